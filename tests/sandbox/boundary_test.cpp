// The boundary suite: what crosses from the caller into the sandbox.
// Each test makes the attempt a command could make with what it was handed
// (the caller's descriptors, its process group) and shows that it fails.
// Targets are files of the test's own ("victim", "outside").
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/sandbox/suite.hpp"

namespace vg::test {
namespace {

class Boundary : public SandboxTest {
 protected:
  void SetUp() override {
    SandboxTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    victim = m_root / "victim";
    write_file(victim, "original\n");
    chmod(victim.c_str(), 0600);
  }

  // Run the driver through `sh -c WRAP`, where WRAP uses "$@" for the
  // driver's command line, so the test can give it descriptors of its own.
  Ran wrapped(const std::string& wrap, const std::vector<std::string>& cmd, const std::vector<std::string>& opts = {},
              int timeout_s = 60) {
    std::vector<std::string> argv = {"/bin/sh", "-c", wrap, "sh"};
    auto d = driver(opts, cmd);
    argv.insert(argv.end(), d.begin(), d.end());
    auto e = base_env();
    Ran r = run(argv, e, "", timeout_s);
    std::printf("[wrapped] exit %d\n%s%s", r.exit_code, r.out.c_str(), r.err.c_str());
    return r;
  }

  std::string victim;
};

TEST_F(Boundary, StdinFileIsReadButCannotBeReopenedForWriting) {
  // `< victim`: the command must see the bytes, and writing through
  // /proc/self/fd/0 (or /dev/stdin) must not reach the file.
  Ran r = wrapped("exec \"$@\" < " + victim,
                  {"/bin/sh", "-c",
                   "read line; echo \"got:$line\"; echo pwned > /proc/self/fd/0; echo pwned > /dev/stdin; "
                   "ls -l /proc/self/fd/0"});
  EXPECT_NE(r.out.find("got:original"), std::string::npos) << "stdin did not reach the command: " << r.out << r.err;
  EXPECT_NE(r.out.find("pipe:"), std::string::npos) << "stdin should be a pipe inside: " << r.out;
  EXPECT_EQ(read_file(victim), "original\n");
}

TEST_F(Boundary, StdoutFileGetsTheBytesButCannotBeReopened) {
  // `>> victim`: output is appended as usual; reopening fd 1 with O_TRUNC
  // (a plain `>` through /proc) would empty the host file if it crossed.
  Ran r = wrapped("exec \"$@\" >> " + victim,
                  {"/bin/sh", "-c", "echo appended; echo pwned > /proc/self/fd/1; ls -l /proc/self/fd/1 >&2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // The reopen reaches the relay's pipe (its bytes are appended) or fails;
  // never the file, which O_TRUNC would have emptied.
  std::string now = read_file(victim);
  EXPECT_TRUE(now == "original\nappended\npwned\n" || now == "original\nappended\n") << now;
  EXPECT_NE(r.err.find("pipe:"), std::string::npos) << r.err;
}

TEST_F(Boundary, InheritedDescriptorsAreClosed) {
  // A directory (`exec 7<DIR`) would give the host tree through
  // /proc/self/fd/7/..; a read-write file (`exec 8<>victim`) the file.
  Ran r = wrapped("exec 7<" + outside + " 8<>" + victim + "; exec \"$@\"",
                  {"/bin/sh", "-c",
                   "ls /proc/self/fd/7/ 2>&1; ls /proc/self/fd/7/.. 2>&1; echo pwned >&8; echo pwned > /proc/self/fd/8; "
                   "ls /proc/self/fd/ | tr '\\n' ' '; echo"});
  EXPECT_EQ(r.out.find("passwd"), std::string::npos) << "the outside directory was listed: " << r.out;
  EXPECT_EQ(read_file(victim), "original\n");
  EXPECT_EQ(read_file(outside + "/passwd"), "original\n");
  // Only 0, 1, 2 (and ls's own directory fd) are open inside.
  EXPECT_NE(r.out.find("0 1 2 3 \n"), std::string::npos) << r.out;
}

TEST_F(Boundary, DirectoryAsStdinGivesNothing) {
  Ran r = wrapped("exec \"$@\" < " + outside,
                  {"/bin/sh", "-c", "ls /proc/self/fd/0/ 2>&1; ls /dev/stdin/.. 2>&1; cat; echo done"});
  EXPECT_EQ(r.out.find("passwd"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("done"), std::string::npos) << r.out << r.err;
}

TEST_F(Boundary, KillZeroReachesOnlyTheSandbox) {
  // Same process group as the caller would mean `kill -KILL 0` kills the
  // caller's script and its jobs.
  Ran r = wrapped("sleep 30 & bg=$!; \"$@\"; code=$?; kill -0 $bg && echo bg-alive; kill $bg; echo caller-alive $code",
                  {"/bin/sh", "-c", "kill -KILL 0; echo not-reached"});
  EXPECT_NE(r.out.find("caller-alive 137"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("bg-alive"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("not-reached"), std::string::npos) << r.out;
}

TEST_F(Boundary, KillMinusOneReachesOnlyTheSandbox) {
  Ran r = wrapped("sleep 30 & bg=$!; \"$@\"; kill -0 $bg && echo bg-alive; kill $bg; echo caller-alive",
                  {"/bin/sh", "-c", "kill -KILL -1; echo not-reached"});
  EXPECT_NE(r.out.find("caller-alive"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("bg-alive"), std::string::npos) << r.out;
}

TEST_F(Boundary, StoppingTheProcessGroupCannotStopVgOrItsClock) {
  // `kill -STOP 0` once froze vg with its time limit: the run went on past it.
  auto t0 = std::chrono::steady_clock::now();
  Ran r = wrapped("\"$@\"; echo caller-alive $?", {"/bin/sh", "-c", "kill -STOP 0; echo not-reached"},
                  {"--timeout", "2"}, 30);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_NE(r.out.find("caller-alive 124"), std::string::npos) << r.out << r.err;
  EXPECT_LT(s, 15.0) << "the time limit did not end a stopped sandbox";
}

TEST_F(Boundary, TerminalStaysUsableAndCtrlCReachesTheCommand) {
  // In a terminal the sandbox gets the foreground: a read of the terminal
  // works (no SIGTTIN stop), Ctrl-C ends the command, and vg reports 130.
  Pty p(driver({}, {"/bin/sh", "-c", "echo ready; read x; echo got-$x; exec sleep 30"}), base_env());
  ASSERT_TRUE(p.wait_for("ready")) << p.output();
  p.send("hello\n");
  ASSERT_TRUE(p.wait_for("got-hello")) << p.output();
  // A Ctrl-C that lands while the shell is between fork and exec is
  // swallowed on the host too: press it again until the command ends.
  int code = -1;
  for (int i = 0; i < 20 && code < 0; ++i) {
    p.send("\x03");
    code = p.finish_within_ms(300);
  }
  EXPECT_EQ(code, 130) << p.output();
}

}  // namespace
}  // namespace vg::test

namespace vg::test {
namespace {

class Limits : public SandboxTest {};

TEST_F(Limits, EveryWritablePlaceSharesTheDiskLimit) {
  // /dev/shm, /tmp and the home were tmpfs mounts of their own (shm without
  // any size): 8 MiB in each must not fit under one 10 MB limit.
  Ran r = sandbox({"/bin/sh", "-c",
                   "for d in /dev/shm /tmp \"$HOME\"; do dd if=/dev/zero of=$d/fill bs=1M count=8 2>/dev/null; done; "
                   "du -sk /dev/shm/fill /tmp/fill \"$HOME/fill\" | awk '{s+=$1} END {print \"total-kib\", s}'"},
                  {"--disk", "10000000"});
  auto at = r.out.find("total-kib ");
  ASSERT_NE(at, std::string::npos) << r.out << r.err;
  long kib = std::stol(r.out.substr(at + 10));
  EXPECT_GT(kib, 4 * 1024) << "the writes did not happen at all";
  EXPECT_LE(kib, (10000000 + 4095) / 1024 + 4) << "more than the disk limit was held (tmpfs rounds up to pages)";
}

TEST_F(Limits, SparseFilesCountByTheirApparentSize) {
  // A 2 GiB file with no blocks took nothing of the tmpfs and was committed.
  Ran r = sandbox({"/bin/sh", "-c", "truncate -s 2G big.bin && fallocate -l 1M small.bin 2>/dev/null; echo made"},
                  {"--disk", "10000000"});
  ASSERT_NE(r.out.find("made"), std::string::npos) << r.out << r.err;
  EXPECT_FALSE(exists(ws + "/big.bin"));
  EXPECT_NE(outcome().find("change refused created big.bin"), std::string::npos) << outcome();
  // Kept aside with its holes: the quarantine holds no 2 GiB of blocks.
  Ran du = run({"/bin/sh", "-c", "du -sk " + state + " | cut -f1"});
  EXPECT_LT(std::stol(du.out), 64 * 1024) << du.out;
}

}  // namespace
}  // namespace vg::test

namespace vg::test {
namespace {

class Commit : public SandboxTest {};

TEST_F(Commit, LinksBuiltFromDotDotStepsThroughOtherLinksAreRefused) {
  // Each link alone looks harmless; together, after the commit, notes.txt
  // would resolve to outside/passwd and a later host write would change it.
  // a/b/c/up is the workspace itself; up/.. its parent, where outside/ is.
  Ran r = sandbox({"/bin/sh", "-c",
                   "mkdir -p a/b/c && ln -s ../../.. a/b/c/up && ln -s a/b/c/up/../outside/passwd notes.txt && "
                   "ln -s a/b/c/up/up2 chain && ln -s ../.. a/b/c/up2 && echo made"});
  ASSERT_NE(r.out.find("made"), std::string::npos) << r.out << r.err;
  for (const char* name : {"notes.txt", "chain"}) {
    std::error_code ec;
    auto resolved = std::filesystem::weakly_canonical(ws + "/" + name, ec);
    EXPECT_TRUE(!std::filesystem::is_symlink(ws + "/" + name) || resolved.string().rfind(ws, 0) == 0)
        << name << " resolves to " << resolved << " outside the workspace";
  }
  EXPECT_EQ(read_file(outside + "/passwd"), "original\n");
  EXPECT_NE(outcome().find("change refused symlink notes.txt"), std::string::npos) << outcome();
}

TEST_F(Commit, MemfdPastTheMemoryLimitFails) {
  // A memfd written, never mapped: no RLIMIT_AS sees it, only a cgroup.
  Ran r = probe({"memfd", std::to_string(256ull << 20)}, {"--memory", std::to_string(64ull << 20)});
  if (r.err.find("enforced per process") != std::string::npos) {
    // No cgroup here (an ordinary user without delegation): vg says so.
    SUCCEED() << "no whole-sandbox memory limit on this machine; vg said so: " << r.err;
    return;
  }
  EXPECT_EQ(r.out.find("ALLOWED"), std::string::npos) << r.out << r.err;
  EXPECT_TRUE(r.exit_code == 128 + SIGKILL || r.out.find("DENIED") != std::string::npos)
      << "exit " << r.exit_code << "\n" << r.out << r.err;
}

}  // namespace
}  // namespace vg::test

namespace vg::test {
namespace {

class Messages : public SandboxTest {};

TEST_F(Messages, NamesTheCommandChoseCannotForgeVgsLines) {
  // A refused file whose name carries a carriage return and an "erase line"
  // escape would overwrite vg's report on a terminal with a line of its own.
  Ran r = sandbox({"/bin/sh", "-c", "printf x > \"$(printf 'forged\\r\\033[2Kvg: all changes committed')\""},
                  {"--exclude", "forged*"});
  EXPECT_NE(r.err.find("refused"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << "a raw carriage return reached stderr";
  EXPECT_EQ(r.err.find('\033'), std::string::npos) << "a raw escape sequence reached stderr";
  EXPECT_NE(r.err.find("forged\\r"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace vg::test

namespace vg::test {
namespace {

class Sockets : public Boundary {};

TEST_F(Sockets, AnInetSocketGivenAsStdinDoesNotReachTheHostNetwork) {
  // A UDP socket as stdin was handed over as it was: the command sent
  // datagrams to the host's loopback despite `network: none`.
  std::string script =
      "import socket,os,sys,subprocess\n"
      "l=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); l.bind(('127.0.0.1',0)); l.settimeout(1.5)\n"
      "port=l.getsockname()[1]\n"
      "s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
      "inner=\"import socket\\ntry:\\n s=socket.socket(fileno=0); s.sendto(b'FROM-SANDBOX',('127.0.0.1',%d)); print('sent')\\n"
      "except Exception as e: print('refused', e)\" % port\n"
      "r=subprocess.run(sys.argv[1:]+['/usr/bin/python3','-c',inner], stdin=s.fileno(), capture_output=True, text=True)\n"
      "print(r.stdout, r.stderr)\n"
      "try: print('received', l.recv(100))\n"
      "except socket.timeout: print('nothing-received')\n";
  std::vector<std::string> argv = {"/usr/bin/python3", "-c", script};
  auto d = driver({}, {});  // ends with "--": the inner command follows
  argv.insert(argv.end(), d.begin(), d.end());
  Ran r = run(argv, base_env());
  EXPECT_NE(r.out.find("refused"), std::string::npos) << "the attempt was not made: " << r.out << r.err;
  EXPECT_NE(r.out.find("nothing-received"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.out.find("FROM-SANDBOX"), std::string::npos) << r.out;
}

TEST_F(Sockets, AHostSocketInAReadOnlyWorkspaceCannotBeConnectedTo) {
  // isolation.filesystem: readonly was a read-only bind, through which a
  // socket (or a FIFO) of the host stays usable.
  std::string script =
      "import socket,os,sys,subprocess\n"
      "l=socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); l.bind(sys.argv[1]); l.listen(1); l.settimeout(2)\n"
      "os.chmod(sys.argv[1], 0o777)\n"
      "inner=\"import socket\\ns=socket.socket(socket.AF_UNIX)\\ntry:\\n s.connect('%s'); s.send(b'x'); print('connected')\\n"
      "except Exception as e: print('refused', e)\\nopen('/proc/self/cwd/try-write','w')\" % sys.argv[1]\n"
      "r=subprocess.run(sys.argv[2:]+['/usr/bin/python3','-c',inner], capture_output=True, text=True)\n"
      "print(r.stdout, r.stderr)\n"
      "try: c,_=l.accept(); print('host-accepted')\n"
      "except socket.timeout: print('nothing-accepted')\n";
  std::vector<std::string> argv = {"/usr/bin/python3", "-c", script, ws + "/service.sock"};
  for (const auto& a : driver({"--readonly"}, {})) argv.push_back(a);
  Ran r = run(argv, base_env());
  EXPECT_NE(r.out.find("refused"), std::string::npos) << "the attempt was not made: " << r.out << r.err;
  EXPECT_NE(r.out.find("nothing-accepted"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("Read-only file system"), std::string::npos) << "the workspace should be read-only: " << r.out;
}

TEST_F(Sockets, AHostSocketInANonProjectDirectoryCannotBeConnectedTo) {
  // From a directory that is no project (here the one above HOME), the
  // sandbox sees the directory but must not reach a host service listening
  // on a unix socket in it (a read-only bind let it: tmux run-shell ran on
  // the host).
  std::string above_home = home.substr(0, home.rfind('/'));
  std::string script =
      "import socket,os,sys,subprocess\n"
      "l=socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); l.bind(sys.argv[1]); l.listen(1); l.settimeout(2)\n"
      "os.chmod(sys.argv[1], 0o777)\n"
      "inner=\"import socket\\ns=socket.socket(socket.AF_UNIX)\\ntry:\\n s.connect('%s'); s.send(b'x'); print('connected')\\n"
      "except Exception as e: print('refused', e)\" % sys.argv[1]\n"
      "r=subprocess.run(sys.argv[2:]+['/usr/bin/python3','-c',inner], capture_output=True, text=True)\n"
      "print(r.stdout, r.stderr)\n"
      "try: c,_=l.accept(); print('host-accepted')\n"
      "except socket.timeout: print('nothing-accepted')\n";
  std::vector<std::string> argv = {"/usr/bin/python3", "-c", script, above_home + "/service.sock",
                                   driver_path(), "--workspace", above_home, "--cwd", above_home, "--"};
  Ran r = run(argv, base_env());
  EXPECT_NE(r.out.find("refused"), std::string::npos) << "the attempt was not made: " << r.out << r.err;
  EXPECT_NE(r.out.find("nothing-accepted"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.out.find("host-accepted"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not a project"), std::string::npos) << "vg should say what it did instead: " << r.out;
}

}  // namespace
}  // namespace vg::test

namespace vg::test {
namespace {

class MountsInside : public SandboxTest {};

TEST_F(MountsInside, TheCommitNeverWritesOrDeletesThroughAMountInTheWorkspace) {
  if (getuid() != 0) GTEST_SKIP() << "making a bind mount needs root (its own mount namespace)";
  // A file system mounted in the workspace (a build chroot's bind mount, an
  // sshfs): the sandbox sees the empty directory under it, and its writes
  // and deletions there must not land in the mounted file system.
  std::string other = m_root / "other";
  std::filesystem::create_directories(other);
  write_file(other + "/canary", "other\n");
  std::filesystem::create_directories(ws + "/mnt");
  for (const char* cmd : {"echo NEW > mnt/newfile; echo MOD >> mnt/canary; mkdir -p mnt/sub", "rm -rf mnt"}) {
    std::string line;
    for (const auto& a : driver({}, {"/bin/sh", "-c", cmd})) line += "'" + a + "' ";
    Ran r = run({"/usr/bin/unshare", "-m", "/bin/sh", "-c",
                 "mount --make-rprivate / && mount --bind '" + other + "' '" + ws + "/mnt' && exec " + line},
                base_env());
    EXPECT_NE(r.exit_code, 127) << r.err;
    EXPECT_EQ(read_file(other + "/canary"), "other\n") << cmd << "\n" << r.err;
    EXPECT_FALSE(exists(other + "/newfile")) << cmd;
    EXPECT_FALSE(exists(other + "/sub")) << cmd;
  }
}

}  // namespace
}  // namespace vg::test
