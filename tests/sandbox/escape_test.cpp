// The escape suite: each test makes one escape attempt from inside the
// namespace sandbox and shows that it fails. A test fails when the attempt
// could not even be made (the probe did not run), and under CI=true a
// sandbox that cannot start fails every test instead of skipping it.
// Every target is a throwaway of the test's own (a temp "outside" dir, a
// host `sleep` it started, a loopback listener, a bogus module image).
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "config/exit_codes.hpp"
#include "tests/sandbox/suite.hpp"

namespace vg::test {
namespace {

class Escape : public SandboxTest {};

// A host process the sandbox will try to reach.
struct HostSleeper {
  pid_t pid = fork();
  HostSleeper() {
    if (pid == 0) {
      execl("/bin/sleep", "sleep", "60", nullptr);
      _exit(127);
    }
  }
  ~HostSleeper() {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  bool alive() const { return waitpid(pid, nullptr, WNOHANG) == 0; }
};

TEST_F(Escape, WriteOutsideTheWorkspaceFails) {
  // System directories are read-only.
  expect_denied(probe({"write", "/usr/vg-escape"}), "EROFS");
  EXPECT_FALSE(exists("/usr/vg-escape"));
  // A host directory made visible read-only.
  expect_denied(probe({"write", outside + "/passwd"}, {"--volume", outside + ":" + outside + ":ro"}), "EROFS");
  // A host directory that is not mounted at all is simply not there.
  expect_denied(probe({"write", outside + "/passwd"}), "ENOENT");
  EXPECT_EQ(read_file(outside + "/passwd"), "original\n");
  // The fake HOME inside is a fresh tmpfs: a write there never reaches the host's.
  Ran r = probe({"write", home + "/.bashrc"});
  EXPECT_NE(r.out.find("ALLOWED"), std::string::npos) << "the sandbox's own home should be writable";
  EXPECT_FALSE(exists(home + "/.bashrc"));
}

TEST_F(Escape, SymlinkClimbingIsRefused) {
  // ln -s OUTSIDE x; echo > x/passwd — the outside dir is visible read-only.
  Ran r = sandbox({"/bin/sh", "-c", "ln -s " + outside + " x && " + probe_path() + " write x/passwd"},
                  {"--volume", outside + ":" + outside + ":ro"});
  expect_denied(r, "EROFS", vg::exit_code::k_kept_aside);  // the link is kept aside: exit 73
  EXPECT_EQ(read_file(outside + "/passwd"), "original\n");
  // The symlink itself is refused at commit and kept in quarantine.
  EXPECT_FALSE(exists(ws + "/x"));
  EXPECT_NE(outcome().find("change refused symlink x\tsymlink points outside the volume"), std::string::npos)
      << outcome();
}

TEST_F(Escape, RelativeSymlinkClimbingStaysInTheSandbox) {
  // ../outside is the sandbox's own private tmpfs, not the host's directory.
  Ran r = sandbox({"/bin/sh", "-c", "ln -s ../outside up && mkdir -p ../outside && " + probe_path() + " write up/passwd"});
  EXPECT_NE(r.out.find("ALLOWED"), std::string::npos) << "the attempt was not made: " << r.out << r.err;
  EXPECT_EQ(read_file(outside + "/passwd"), "original\n");
  EXPECT_FALSE(exists(ws + "/up"));
  EXPECT_NE(outcome().find("change refused symlink up\tsymlink climbs out of the volume"), std::string::npos)
      << outcome();
}

TEST_F(Escape, SymlinkSwappedDuringTheRunIsNotFollowed) {
  Session s(driver({}, {"/bin/sh", "-c", "mkdir d && echo pwned > d/passwd && echo ready && read x"}), base_env());
  ASSERT_TRUE(s.wait_for("ready")) << s.output();
  // Meanwhile, on the host, d becomes a symlink to the outside directory.
  std::filesystem::create_directory_symlink(outside, ws + "/d");
  s.send("go\n");
  EXPECT_EQ(s.finish(), vg::exit_code::k_kept_aside) << s.output();  // d/passwd is refused, kept aside
  EXPECT_EQ(read_file(outside + "/passwd"), "original\n");
  EXPECT_TRUE(std::filesystem::is_symlink(ws + "/d"));
  std::string o = outcome();
  EXPECT_NE(o.find("change refused created d/passwd"), std::string::npos) << o;
  EXPECT_NE(o.find("conflict deleted d"), std::string::npos) << o;
}

TEST_F(Escape, SshKeysAndEnvFilesAreNotReadable) {
  write_file(home + "/.ssh/id_ed25519", "FAKE-PRIVATE-KEY\n");
  write_file(home + "/.aws/credentials", "FAKE-AWS-SECRET\n");
  write_file(ws + "/.env", "API_TOKEN=FAKE-ENV-SECRET\n");
  write_file(ws + "/.env.local", "API_TOKEN=FAKE-ENV-SECRET\n");
  // The fresh home has nothing of the user's.
  expect_denied(probe({"read", home + "/.ssh/id_ed25519"}), "ENOENT");
  // Even with the whole home mounted as a volume, the secrets read as empty.
  std::vector<std::string> with_home = {"--volume", home + ":" + home + ":ro"};
  expect_denied(probe({"read", home + "/.ssh/id_ed25519"}, with_home), "ENOENT");
  expect_denied(probe({"read", home + "/.aws/credentials"}, with_home), "ENOENT");
  // .env files in the workspace are hidden as empty files.
  Ran env = probe({"read", ws + "/.env"});
  expect_denied(env, "EMPTY");
  Ran local = probe({"read", ".env.local"});
  expect_denied(local, "EMPTY");
  EXPECT_EQ(env.out.find("FAKE"), std::string::npos);
  EXPECT_EQ(local.out.find("FAKE"), std::string::npos);
  EXPECT_EQ(read_file(ws + "/.env"), "API_TOKEN=FAKE-ENV-SECRET\n");
}

TEST_F(Escape, NetworkNoneCannotReachTheHost) {
  Listener host;
  ASSERT_GT(host.port(), 0);
  expect_denied(probe({"connect", std::to_string(host.port())}), "ECONNREFUSED");
  EXPECT_EQ(host.accepted(200), 0);
  // The same probe with the host's network does connect: the attempt is real.
  Ran full = probe({"connect", std::to_string(host.port())}, {"--network", "full"});
  EXPECT_NE(full.out.find("ALLOWED"), std::string::npos) << full.out << full.err;
  EXPECT_GE(host.accepted(500), 1);
}

TEST_F(Escape, HostProcessesCannotBeSeenOrSignalled) {
  HostSleeper sleeper;
  ASSERT_GT(sleeper.pid, 0);
  expect_denied(probe({"kill", std::to_string(sleeper.pid)}), "ESRCH");
  Ran ps = probe({"procs"});
  ASSERT_EQ(ps.exit_code, 0) << ps.err;
  ASSERT_NE(ps.out.find("PROCS "), std::string::npos);
  EXPECT_EQ(ps.out.find(" " + std::to_string(sleeper.pid) + " "), std::string::npos) << ps.out;
  EXPECT_LT(std::atoi(ps.out.c_str() + ps.out.find("PROCS ") + 6), 5) << ps.out;
  EXPECT_TRUE(sleeper.alive());
}

TEST_F(Escape, PtraceIsRefused) {
  HostSleeper sleeper;
  expect_denied(probe({"ptrace", std::to_string(sleeper.pid)}), "EPERM");
  expect_denied(probe({"ptrace", "1"}), "EPERM");  // not even the sandbox's own init
  EXPECT_TRUE(sleeper.alive());
}

TEST_F(Escape, MountIsRefused) { expect_denied(probe({"mount"}), "EPERM"); }

TEST_F(Escape, NewUserNamespaceIsRefused) { expect_denied(probe({"unshare-user"}), "EPERM"); }

TEST_F(Escape, SetuidBinaryNeverReachesTheWorkspace) {
  Ran r = probe({"setuid", ws + "/suid"});
  // Inside its own overlay the chmod works; the policy engine refuses it.
  EXPECT_NE(r.out.find("ALLOWED chmod(04755)"), std::string::npos) << "the attempt was not made: " << r.out << r.err;
  EXPECT_FALSE(exists(ws + "/suid"));
  std::string o = outcome();
  EXPECT_NE(o.find("change refused created suid\tsetuid/setgid file"), std::string::npos) << o;
  EXPECT_NE(r.err.find("vg: refused: created suid: setuid/setgid file"), std::string::npos) << r.err;
  // Kept in quarantine, without the set-id bit.
  auto q = o.substr(o.find("quarantine ") + 11);
  q = q.substr(0, q.find('\n'));
  struct stat st{};
  ASSERT_EQ(stat((q + "/suid").c_str(), &st), 0) << q;
  EXPECT_EQ(st.st_mode & 06000, 0u);
}

TEST_F(Escape, DeviceNodeAndFifoNeverReachTheWorkspace) {
  expect_denied(probe({"mknod", ws + "/null"}), "EPERM");
  EXPECT_FALSE(exists(ws + "/null"));
  Ran r = sandbox({"/usr/bin/mkfifo", "pipe"});
  EXPECT_EQ(r.exit_code, vg::exit_code::k_kept_aside) << "mkfifo could not run, or its FIFO was not kept aside: " << r.err;
  EXPECT_FALSE(exists(ws + "/pipe"));
  EXPECT_NE(outcome().find("change refused created pipe\ta fifo may not be created"), std::string::npos) << outcome();
}

TEST_F(Escape, MemoryPastTheLimitFails) {
  Ran r = probe({"alloc", std::to_string(512ull << 20)}, {"--memory", std::to_string(64ull << 20)});
  EXPECT_EQ(r.out.find("ALLOWED"), std::string::npos) << r.out;
  // Killed by the cgroup's OOM killer (137), or refused by RLIMIT_AS.
  EXPECT_TRUE(r.exit_code == 128 + SIGKILL || (r.exit_code == 0 && r.out.find("DENIED ENOMEM") != std::string::npos))
      << "exit " << r.exit_code << "\n" << r.out << r.err;
}

TEST_F(Escape, ForkPastThePidsLimitFails) {
  Ran r = probe({"fork", "200"}, {"--pids", "32"});
  expect_denied(r, "EAGAIN");
}

TEST_F(Escape, DiskPastTheOverlayLimitFails) {
  std::string limit = std::to_string(16ull << 20);
  expect_denied(probe({"fill", ws + "/big", std::to_string(64ull << 20)}, {"--disk", limit}), "ENOSPC");
  expect_denied(probe({"fill", "/tmp/big", std::to_string(64ull << 20)}, {"--disk", limit}), "ENOSPC");
  struct stat st{};
  if (stat((ws + "/big").c_str(), &st) == 0) {
    EXPECT_LE(st.st_size, 16ll << 20);
  }
}

TEST_F(Escape, KernelModuleLoadIsRefused) { expect_denied(probe({"module"}), "EPERM"); }

TEST_F(Escape, ProcSysIsReadOnly) {
  // Read-only, and (as root) not the sandbox's id's to write either.
  Ran r = probe({"proc-sys"});
  expect_denied(r);
  EXPECT_TRUE(r.out.find("EROFS") != std::string::npos || r.out.find("EACCES") != std::string::npos) << r.out;
}

TEST_F(Escape, RootOnlyHostFilesAreNotReadable) {
  // Read attempts only: /etc/shadow is never written.
  struct stat st{};
  ASSERT_EQ(stat("/etc/shadow", &st), 0) << "no /etc/shadow to try here";
  ASSERT_EQ(st.st_mode & 0004, 0u) << "/etc/shadow is world-readable on this host";
  expect_denied(probe({"peek", "/etc/shadow"}), "EACCES");
  expect_denied(probe({"peek", "/etc/shadow"}, {"--with-thread"}), "EACCES");
  // The command is not root, and is no owner of host root's files.
  Ran id = sandbox({"/bin/sh", "-c", "id -u; stat -c %u /etc/passwd"});
  EXPECT_EQ(id.out.substr(0, id.out.find('\n')), "65534") << id.out;
  if (getuid() != 0) return;  // as an ordinary user, root's files were never the caller's
  EXPECT_NE(id.out.find("\n65534\n"), std::string::npos) << "host root's files should show as not owned: " << id.out;
  // A throwaway root-only file of the test's own, in a system directory.
  char dir[] = "/opt/vg-sbx-rootonly-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr) << "cannot make a throwaway directory under /opt";
  chmod(dir, 0755);
  write_file(std::string(dir) + "/secret", "FAKE-ROOT-SECRET\n");
  chmod((std::string(dir) + "/secret").c_str(), 0600);
  write_file(std::string(dir) + "/public", "public\n");
  chmod((std::string(dir) + "/public").c_str(), 0644);
  Ran secret = probe({"read", std::string(dir) + "/secret"});
  Ran pub = probe({"read", std::string(dir) + "/public"});
  std::filesystem::remove_all(dir);
  expect_denied(secret, "EACCES");
  EXPECT_EQ(secret.out.find("FAKE-ROOT-SECRET"), std::string::npos);
  // The same directory's readable file is read: the denial is the file's mode.
  EXPECT_NE(pub.out.find("ALLOWED read 7 bytes: public"), std::string::npos) << pub.out << pub.err;
}

// The value of `key` ("CapEff") in a /proc/PID/status text, "" if absent.
std::string status_field(const std::string& status, const std::string& key) {
  auto at = status.find("\n" + key + ":\t");
  if (at == std::string::npos) return "";
  at += key.size() + 3;
  return status.substr(at, status.find('\n', at) - at);
}

TEST_F(Escape, NoCapabilitiesByDefault) {
  // cat's own sets, after its exec: nothing survives.
  Ran r = sandbox({"/bin/cat", "/proc/self/status"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* key : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"}) {
    EXPECT_EQ(status_field(r.out, key), "0000000000000000") << key << "\n" << r.out;
  }
  // A privileged port needs CAP_NET_BIND_SERVICE.
  expect_denied(probe({"bind", "80"}), "EACCES");
}

TEST_F(Escape, AKeptCapabilityIsThatOneAndNoOther) {
  Ran r = sandbox({"/bin/sh", "-c", "cat /proc/self/status"}, {"--cap", "NET_BIND_SERVICE"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(status_field(r.out, "Uid").substr(0, 5), "65534") << "the command should not run as root";
  for (const char* key : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"}) {
    EXPECT_EQ(status_field(r.out, key), "0000000000000400") << key << "\n" << r.out;  // bit 10 alone
  }
  // It works, which shows the denial above was the missing capability.
  Ran bound = probe({"bind", "80"}, {"--cap", "CAP_NET_BIND_SERVICE"});
  EXPECT_NE(bound.out.find("ALLOWED bound 127.0.0.1:80"), std::string::npos) << bound.out << bound.err;
  // Still no way to mount, even as a kept-capability process.
  expect_denied(probe({"mount"}, {"--cap", "NET_BIND_SERVICE"}), "EPERM");
}

TEST_F(Escape, DangerousCapabilityIsRefusedBeforeAnythingRuns) {
  for (const char* cap : {"SYS_ADMIN", "CAP_SYS_PTRACE", "sys_module", "BPF"}) {
    Ran r = sandbox({"/bin/sh", "-c", "echo ran > ran.txt"}, {"--cap", cap});
    EXPECT_EQ(r.exit_code, 69) << cap;
    EXPECT_NE(r.err.find("sandbox.isolation.capabilities: CAP_"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("may not be kept in the sandbox"), std::string::npos) << r.err;
    EXPECT_FALSE(exists(ws + "/ran.txt"));
  }
}

}  // namespace
}  // namespace vg::test
