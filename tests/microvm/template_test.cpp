// End-to-end tests of guest template clones and of what the guest must not
// see through the 9p share (label "microvm", TCG).
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "tests/microvm/fixture.hpp"

namespace vg::microvm_test {
namespace {

// The template directory, built if needed ("" when the driver failed).
std::string ensure_template(const std::vector<std::string>& env) {
  Child t({driver(), "--template"}, env);
  if (t.wait(k_run) != 0 || t.out.rfind("ready ", 0) != 0) {
    ADD_FAILURE() << "template build failed: " << t.out << t.err;
    return "";
  }
  std::string line = t.out.substr(0, t.out.find('\n'));
  return line.substr(line.rfind(' ') + 1);
}

// The command line of the driver's QEMU child (its only child).
std::string qemu_cmdline(pid_t driver_pid) {
  std::string p = std::to_string(driver_pid);
  pid_t qemu = static_cast<pid_t>(std::atoi(read_text("/proc/" + p + "/task/" + p + "/children").c_str()));
  if (qemu <= 0) return "";
  std::string cmd = read_text("/proc/" + std::to_string(qemu) + "/cmdline");
  for (auto& c : cmd) c = c == '\0' ? ' ' : c;
  return cmd;
}

void overwrite(const std::string& path, off_t offset, const std::string& bytes) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0) << path;
  ASSERT_EQ(pwrite(fd, bytes.data(), bytes.size(), offset), static_cast<ssize_t>(bytes.size()));
  close(fd);
}

TEST_F(Microvm, TemplateCloneRunsTheCommand) {
  std::string dir = ensure_template(env());
  ASSERT_FALSE(dir.empty());
  Child c(argv({"sh", "-c", "echo clone-out; echo clone-err >&2; read x; echo got-$x; exit 5"}), env());
  ASSERT_TRUE(c.wait_for("clone-out", k_run)) << c.err;
  // The guest was restored from the template, not booted.
  std::string cmd = qemu_cmdline(c.pid());
  EXPECT_NE(cmd.find("-incoming defer"), std::string::npos) << cmd;
  EXPECT_NE(cmd.find("mem-path=" + dir + "/memory,share=off"), std::string::npos) << cmd;
  c.write_input("in\n");
  EXPECT_EQ(c.wait(k_run), 5) << c.err;
  EXPECT_EQ(c.out, "clone-out\ngot-in\n");
  EXPECT_NE(c.err.find("clone-err\n"), std::string::npos) << c.err;
  EXPECT_EQ(c.err.find("booting cold"), std::string::npos) << c.err;
  EXPECT_EQ(c.err.find("building the guest template"), std::string::npos) << c.err;
}

TEST_F(Microvm, CorruptTemplateStateIsNeverUsedAndIsRebuilt) {
  std::string dir = ensure_template(env());
  ASSERT_FALSE(dir.empty());
  std::string garbage(4096, '\x5a');
  overwrite(dir + "/state", 1024, garbage);  // same size, different bytes
  Child c(argv({"sh", "-c", "echo after-rebuild; exit 3"}), env());
  EXPECT_EQ(c.wait(k_run), 3) << c.err;
  EXPECT_EQ(c.out, "after-rebuild\n");
  EXPECT_NE(c.err.find("does not match its manifest digest (corrupt); rebuilding it"), std::string::npos) << c.err;
  Child s({driver(), "--template-status"}, env());
  EXPECT_EQ(s.wait(k_run), 0) << s.out << s.err;
  EXPECT_EQ(s.out.rfind("ready ", 0), 0u) << s.out;
  EXPECT_EQ(read_text(dir + "/state").find(garbage), std::string::npos) << "the corrupt state is still there";
}

TEST_F(Microvm, ChangedTemplateMemoryIsNeverUsedAndIsRebuilt) {
  std::string dir = ensure_template(env());
  ASSERT_FALSE(dir.empty());
  overwrite(dir + "/memory", 1 << 20, std::string(4096, '\x00'));
  Child c(argv({"sh", "-c", "echo after-rebuild"}), env());
  EXPECT_EQ(c.wait(k_run), 0) << c.err;
  EXPECT_EQ(c.out, "after-rebuild\n");
  EXPECT_NE(c.err.find("memory image was changed or replaced after the snapshot (corrupt); rebuilding it"),
            std::string::npos)
      << c.err;
  Child s({driver(), "--template-status"}, env());
  EXPECT_EQ(s.wait(k_run), 0) << s.out << s.err;
}

TEST_F(Microvm, ReadOnlyTemplateIsNotRestoredAndTheColdBootSaysWhy) {
  std::string dir = ensure_template(env());
  ASSERT_FALSE(dir.empty());
  // The template directory read-only in a private mount namespace (as on a
  // read-only data mount); the host's mounts are untouched.
  std::string script = "mount --bind '" + dir + "' '" + dir + "' && mount -o remount,bind,ro '" + dir +
                       "' && touch '" + dir + "/probe' 2>/dev/null && echo still-writable; exec \"$@\"";
  std::vector<std::string> a = {"/usr/bin/unshare", "-m"};
  if (geteuid() != 0) a.insert(a.begin() + 1, "-r");  // a user namespace of its own for the mounts
  for (const std::string& arg : {std::string("/bin/sh"), std::string("-c"), script, std::string("sh")}) a.push_back(arg);
  for (const auto& arg : argv({"sh", "-c", "echo from-cold; exit 4"})) a.push_back(arg);
  Child c(a, env());
  EXPECT_EQ(c.wait(k_run), 4) << c.err;
  ASSERT_EQ(c.out.find("still-writable"), std::string::npos) << "the read-only bind mount did not take";
  EXPECT_EQ(c.out, "from-cold\n");
  // One line: the file, the error, what vg did instead.
  std::string line = "vg: microvm: the guest template's memory image " + dir +
                     "/memory cannot be opened read-write (open: Read-only file system)";
  auto at = c.err.find(line);
  ASSERT_NE(at, std::string::npos) << c.err;
  std::string rest = c.err.substr(at, c.err.find('\n', at) - at);
  EXPECT_NE(rest.find("; booting cold instead"), std::string::npos) << rest;
  EXPECT_EQ(c.err.find("restoring the guest template"), std::string::npos) << "QEMU was tried anyway: " << c.err;
  EXPECT_EQ(c.err.find("rebuilding"), std::string::npos) << c.err;
  // The template itself is untouched and still verifies outside the namespace.
  Child s({driver(), "--template-status"}, env());
  EXPECT_EQ(s.wait(k_run), 0) << s.out << s.err;
  EXPECT_EQ(s.out.rfind("ready ", 0), 0u) << s.out;
}

TEST_F(Microvm, EnvFilesAndExcludedPathsAreHiddenFromTheGuest) {
  write_text(m_workspace + "/.env", "SECRET=hunter2\n");
  ASSERT_EQ(mkdir((m_workspace + "/pkg").c_str(), 0755), 0);
  write_text(m_workspace + "/pkg/.env.local", "TOKEN=deep-token\n");
  ASSERT_EQ(mkdir((m_workspace + "/keys").c_str(), 0755), 0);
  write_text(m_workspace + "/keys/id.pem", "PEM-PRIVATE\n");
  write_text(m_workspace + "/signing.key", "KEY-MATERIAL\n");
  write_text(m_workspace + "/notes.txt", "visible-notes\n");
  std::vector<std::string> a = {driver(), "--workspace", m_workspace, "--cwd", m_workspace,
                                "--exclude", "keys", "--exclude", "*.key", "--"};
  // The guest reads each path: they exist (the attempt is made) but are empty.
  for (const char* arg : {"sh", "-c",
                          "for f in .env pkg/.env.local signing.key notes.txt; do [ -e $f ] && echo exists:$f; "
                          "cat $f; done; ls -A keys | wc -l; echo end"}) {
    a.push_back(arg);
  }
  Child c(a, env());
  EXPECT_EQ(c.wait(k_run), 0) << c.err;
  EXPECT_NE(c.out.find("exists:.env\n"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("exists:pkg/.env.local\n"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("exists:signing.key\n"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("visible-notes\n"), std::string::npos) << c.out;  // the share itself works
  EXPECT_NE(c.out.find("\n0\nend\n"), std::string::npos) << c.out;       // the excluded directory is empty
  for (const char* secret : {"hunter2", "deep-token", "PEM-PRIVATE", "KEY-MATERIAL"}) {
    EXPECT_EQ(c.out.find(secret), std::string::npos) << secret << " leaked into the guest: " << c.out;
  }
  EXPECT_EQ(read_text(m_workspace + "/.env"), "SECRET=hunter2\n");
  EXPECT_EQ(read_text(m_workspace + "/keys/id.pem"), "PEM-PRIVATE\n");
}

TEST_F(Microvm, WarmPoolRefillsWithTemplateClones) {
  ASSERT_FALSE(ensure_template(env()).empty());
  Child warm({driver(), "--warm", m_workspace}, env());
  ASSERT_EQ(warm.wait(k_run), 0) << warm.err;
  Child c(argv({"sh", "-c", "echo from-pool"}), env());
  EXPECT_EQ(c.wait(k_run), 0) << c.err;
  EXPECT_EQ(c.out, "from-pool\n");
  // The replacement is a clone: ready at once, its QEMU waiting for an incoming state.
  std::string ready;
  for (int i = 0; i < 50 && ready.empty(); ++i) {
    Child s({driver(), "--status"}, env());
    ASSERT_EQ(s.wait(30s), 0);
    if (auto at = s.out.find("ready\t"); at != std::string::npos) ready = s.out.substr(at);
    if (ready.empty()) usleep(100000);
  }
  ASSERT_FALSE(ready.empty()) << "no ready replacement within 5 s";
  // "ready <workspace> <version> <pid> <age>"
  std::vector<std::string> f;
  for (std::size_t at = 0; at != std::string::npos;) {
    std::size_t tab = ready.find_first_of("\t\n", at);
    f.push_back(ready.substr(at, tab == std::string::npos ? std::string::npos : tab - at));
    at = tab == std::string::npos || ready[tab] == '\n' ? std::string::npos : tab + 1;
  }
  ASSERT_GE(f.size(), 4u) << ready;
  std::string cmd = read_text("/proc/" + f[3] + "/cmdline");
  EXPECT_NE(cmd.find("defer"), std::string::npos) << "the replacement was not restored from the template";
  Child stop({driver(), "--stop"}, env());
  EXPECT_EQ(stop.wait(30s), 0);
}

TEST_F(Microvm, VgSandboxStatusShowsTheTemplate) {
  std::string dir = ensure_template(env());
  ASSERT_FALSE(dir.empty());
  std::string key = dir.substr(dir.rfind('/') + 1);
  // The driver's template: TCG, 512 MiB (the config default).
  Child s({VG_BIN_PATH, "sandbox", "status"},
          env({"VG_MICROVM_ACCEL=tcg", "XDG_CONFIG_HOME=" + m_runtime + "/config",
               "XDG_STATE_HOME=" + m_runtime + "/state", "XDG_CACHE_HOME=" + m_runtime + "/cache"}));
  EXPECT_EQ(s.wait(60s), 0) << s.err;
  EXPECT_NE(s.out.find("microvm template: ready " + key), std::string::npos) << s.out << s.err;
  EXPECT_NE(s.out.find("microvm pool: not running"), std::string::npos) << s.out;
}

}  // namespace
}  // namespace vg::microvm_test
