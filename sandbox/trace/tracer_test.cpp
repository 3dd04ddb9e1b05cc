#include "sandbox/trace/tracer.hpp"

#include "config/fd_io.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

namespace vg::sandbox::trace {
namespace {

namespace fs = std::filesystem;

int recv_fd(int sock) {
  char byte;
  int fd = -1;
  std::size_t nfds = 0;
  return recv_with_fds(sock, &byte, 1, &fd, 1, nfds) == 1 ? fd : -1;
}

bool send_fd(int sock, int fd) { return send_with_fds(sock, "T", &fd, 1); }

// Run `body` in a child under the tracing filter; return the trace and the
// child's exit code.
Trace traced(const std::function<int()>& body, int& code) {
  auto program = compile_filter();
  EXPECT_TRUE(program) << (program ? "" : program.error().message);
  int sv[2];
  EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(sv[0]);
    // Whatever the test runner's stdin is, a read of it must not wait.
    int null = open("/dev/null", O_RDONLY);
    if (null < 0 || dup2(null, 0) != 0) _exit(89);
    close(null);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(90);
    int fd = install_filter(*program);
    if (fd < 0) _exit(91);
    if (!send_fd(sv[1], fd)) _exit(92);
    close(fd);
    char go;
    if (read(sv[1], &go, 1) != 1) _exit(93);
    _exit(body());
  }
  close(sv[1]);
  int listener = recv_fd(sv[0]);
  EXPECT_GE(listener, 0) << "the child could not install the filter";
  Tracer tracer(listener);
  char go = 'g';
  EXPECT_EQ(write(sv[0], &go, 1), 1);
  int status = 0;
  waitpid(pid, &status, 0);
  close(sv[0]);
  code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return tracer.finish();
}

class TracerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vg-trace-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    // The kernel reports resolved paths: take the real name of the directory.
    m_dir = fs::canonical(tmpl).string();
    std::ofstream(m_dir + "/in.txt") << "input\n";
    fs::create_directory(m_dir + "/sub");
    fs::create_symlink("in.txt", m_dir + "/link");
  }
  void TearDown() override { fs::remove_all(m_dir); }

  std::string m_dir;
};

TEST_F(TracerTest, SeesReadsProbesAndWritesWithTheirUse) {
  std::string in = m_dir + "/in.txt", missing = m_dir + "/missing.cfg", out = m_dir + "/out.txt";
  int code = -1;
  Trace t = traced(
      [&] {
        int fd = open(in.c_str(), O_RDONLY);
        if (fd < 0) return 10;
        char buf[16];
        if (read(fd, buf, sizeof buf) <= 0) return 11;
        close(fd);
        struct stat st;
        if (stat(missing.c_str(), &st) == 0) return 12;
        fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) return 13;
        close(fd);
        return 0;
      },
      code);
  ASSERT_EQ(code, 0);
  EXPECT_TRUE(t.complete) << t.incomplete_reason;
  ASSERT_TRUE(t.paths.count(in));
  EXPECT_EQ(t.paths[in], Use::read);
  ASSERT_TRUE(t.paths.count(missing)) << "a path looked for and not found is an input too";
  EXPECT_EQ(t.paths[missing], Use::probed);
  EXPECT_EQ(t.stated.count(missing), 1u) << "looked for with stat(): its time would have been seen";
  EXPECT_EQ(t.stated.count(in), 0u) << "opened, never stat-ed by name";
  ASSERT_TRUE(t.paths.count(out));
  EXPECT_EQ(t.paths[out], Use::written);
}

TEST_F(TracerTest, RelativePathsResolveAgainstTheCallersDirectory) {
  std::string sub = m_dir + "/sub";
  int code = -1;
  Trace t = traced(
      [&] {
        if (chdir(sub.c_str()) != 0) return 10;
        int fd = open("../in.txt", O_RDONLY);
        if (fd < 0) return 11;
        close(fd);
        int dir = open(m_dir.c_str(), O_RDONLY | O_DIRECTORY);
        if (dir < 0) return 12;
        fd = openat(dir, "link", O_RDONLY);
        if (fd < 0) return 13;
        close(fd);
        close(dir);
        return 0;
      },
      code);
  ASSERT_EQ(code, 0);
  EXPECT_TRUE(t.complete) << t.incomplete_reason;
  EXPECT_EQ(t.paths.count(m_dir + "/in.txt"), 1u) << "../in.txt from sub/ is in.txt";
  EXPECT_EQ(t.paths.count(sub), 1u) << "the directory a '..' leaves is looked at (it could be a link)";
  ASSERT_EQ(t.paths.count(m_dir + "/link"), 1u) << "openat relative to a directory fd";
  EXPECT_EQ(t.paths[m_dir + "/link"], Use::read);
  EXPECT_EQ(t.paths[m_dir + "/in.txt"], Use::read) << "the link's target is read too";
  ASSERT_EQ(t.paths.count(m_dir), 1u);
  EXPECT_EQ(t.paths[m_dir], Use::read) << "a directory opened is listed";
}

TEST_F(TracerTest, ChildProcessesAndExecutedProgramsAreTraced) {
  std::string in = m_dir + "/in.txt";
  int code = -1;
  Trace t = traced(
      [&] {
        pid_t p = fork();
        if (p == 0) {
          execl("/bin/cat", "cat", in.c_str(), static_cast<char*>(nullptr));
          _exit(127);
        }
        int st = 0;
        waitpid(p, &st, 0);
        return WIFEXITED(st) ? WEXITSTATUS(st) : 99;
      },
      code);
  ASSERT_EQ(code, 0);
  EXPECT_TRUE(t.complete) << t.incomplete_reason;
  EXPECT_EQ(t.paths.count("/bin/cat"), 1u) << "the program executed";
  EXPECT_EQ(t.paths.count(in), 1u) << "the grandchild's read";
  EXPECT_GT(t.notifications, 3u);
}

TEST_F(TracerTest, IoUringIsRefusedSoNoOpenGoesUnseen) {
  int code = -1;
  (void)traced([] { return syscall(425 /* io_uring_setup */, 4, nullptr) < 0 && errno == ENOSYS ? 0 : 1; },
                   code);
  EXPECT_EQ(code, 0);
}

TEST_F(TracerTest, ReadingStdinInAnyWayIsSeenAndNotReadingItIsToo) {
  int code = -1;
  Trace quiet = traced(
      [] {
        char buf[8];
        int fd = open("/etc/hostname", O_RDONLY);  // reads of other fds are not stdin
        if (fd >= 0 && read(fd, buf, sizeof buf) < 0) return 1;
        return isatty(0) ? 2 : 0;  // a terminal check is no read
      },
      code);
  EXPECT_EQ(code, 0);
  EXPECT_FALSE(quiet.read_stdin);
  auto reads_stdin = [&](const std::function<int()>& body) {
    int c = -1;
    Trace t = traced(body, c);
    EXPECT_EQ(c, 0);
    return t.read_stdin;
  };
  EXPECT_TRUE(reads_stdin([] {
    char b;
    return read(0, &b, 1) >= 0 ? 0 : 0;
  }));
  EXPECT_TRUE(reads_stdin([] { return dup2(0, 7) == 7 ? 0 : 1; })) << "a copy is read under another number";
  EXPECT_TRUE(reads_stdin([] { return fcntl(0, F_DUPFD_CLOEXEC, 10) >= 10 ? 0 : 1; }));
  EXPECT_TRUE(reads_stdin([] {
    int fd = open("/dev/stdin", O_RDONLY);
    if (fd >= 0) close(fd);
    return 0;
  }));
  EXPECT_TRUE(reads_stdin([] {
    pid_t p = fork();
    if (p == 0) {
      execl("/bin/cat", "cat", static_cast<char*>(nullptr));
      _exit(127);
    }
    int st = 0;
    waitpid(p, &st, 0);
    return 0;
  })) << "a child's read";
}

TEST_F(TracerTest, TooManyPathsMakeThePartialTraceSaySo) {
  std::string dir = m_dir;
  int code = -1;
  Trace t = traced(
      [&] {
        struct stat st;
        char path[4200];
        for (std::size_t i = 0; i <= k_max_traced_paths; ++i) {
          std::snprintf(path, sizeof path, "%s/missing-%zu", dir.c_str(), i);
          if (stat(path, &st) == 0) return 1;
        }
        return 0;
      },
      code);
  EXPECT_EQ(code, 0);
  EXPECT_FALSE(t.complete) << "a trace that dropped paths must not be used as complete";
  EXPECT_NE(t.incomplete_reason.find("paths were looked at"), std::string::npos) << t.incomplete_reason;
  EXPECT_LE(t.paths.size(), k_max_traced_paths);
}

TEST_F(TracerTest, DotDotAfterAMissingDirectoryEndsWhereTheKernelStops) {
  // gcc looks up ".../12/../../../../x86_64-linux-gnu/lib/../lib/.", where
  // a component before a ".." may not exist: the call fails there.
  std::string through_missing = m_dir + "/nothere/../in.txt";
  std::string through_file = m_dir + "/in.txt/../sub";
  std::string fine = m_dir + "/sub/../sub/../in.txt";
  int code = -1;
  Trace t = traced(
      [&] {
        struct stat st;
        if (stat(through_missing.c_str(), &st) == 0 || errno != ENOENT) return 10;
        if (stat(through_file.c_str(), &st) == 0 || errno != ENOTDIR) return 11;
        int fd = open(fine.c_str(), O_RDONLY);
        if (fd < 0) return 12;
        close(fd);
        return 0;
      },
      code);
  ASSERT_EQ(code, 0);
  EXPECT_TRUE(t.complete) << t.incomplete_reason;
  ASSERT_EQ(t.paths.count(m_dir + "/nothere"), 1u) << "the missing directory decided the lookup";
  EXPECT_EQ(t.paths[m_dir + "/nothere"], Use::probed);
  EXPECT_EQ(t.paths.count(m_dir + "/in.txt"), 1u);
  EXPECT_EQ(t.paths[m_dir + "/in.txt"], Use::read) << "reached through sub/.. twice";
  EXPECT_EQ(t.paths.count(m_dir + "/sub"), 1u) << "the directory a '..' leaves could be a link";
}

TEST_F(TracerTest, PathsThroughProcSelfLinksAreMappedOrMakeTheTraceIncomplete) {
  int code = -1;
  Trace t = traced(
      [&] {
        if (chdir(m_dir.c_str()) != 0) return 10;
        int fd = open("/proc/self/cwd/in.txt", O_RDONLY);
        if (fd < 0) return 11;
        close(fd);
        int dir = open((m_dir + "/sub").c_str(), O_RDONLY | O_DIRECTORY);
        if (dir < 0) return 12;
        struct stat st;
        std::string via_fd = "/dev/fd/" + std::to_string(dir) + "/missing.h";
        if (stat(via_fd.c_str(), &st) == 0) return 13;
        std::string via_root = "/proc/thread-self/root" + m_dir + "/link";
        fd = open(via_root.c_str(), O_RDONLY);
        if (fd < 0) return 14;
        close(fd);
        return 0;
      },
      code);
  ASSERT_EQ(code, 0);
  EXPECT_TRUE(t.complete) << t.incomplete_reason;
  EXPECT_EQ(t.paths.count(m_dir + "/in.txt"), 1u) << "/proc/self/cwd/in.txt";
  EXPECT_EQ(t.paths.count(m_dir + "/sub/missing.h"), 1u) << "/dev/fd/N/missing.h";
  EXPECT_EQ(t.paths.count(m_dir + "/link"), 1u) << "/proc/thread-self/root/...";

  Trace other = traced(
      [&] {
        int fd = open("/proc/1/cwd/anything", O_RDONLY);
        if (fd >= 0) close(fd);
        return 0;
      },
      code);
  EXPECT_FALSE(other.complete) << "another process's directory: where it leads is not known";
}

TEST_F(TracerTest, AtEmptyPathWithANonEmptyPathIsAnOrdinaryLookup) {
  std::string in = m_dir + "/in.txt", missing = m_dir + "/missing.h";
  int code = -1;
  Trace t = traced(
      [&] {
        struct stat st;
        if (syscall(SYS_newfstatat, AT_FDCWD, in.c_str(), &st, AT_EMPTY_PATH) != 0) return 10;
        struct statx sx;
        if (syscall(SYS_statx, AT_FDCWD, missing.c_str(), AT_EMPTY_PATH, STATX_BASIC_STATS, &sx) == 0) return 11;
        int fd = open(in.c_str(), O_RDONLY);
        if (fd < 0 || fstat(fd, &st) != 0) return 12;  // fstat: newfstatat(fd, "", AT_EMPTY_PATH)
        close(fd);
        return 0;
      },
      code);
  ASSERT_EQ(code, 0);
  EXPECT_TRUE(t.complete) << t.incomplete_reason;
  ASSERT_EQ(t.paths.count(in), 1u);
  EXPECT_EQ(t.paths[in], Use::read);
  EXPECT_EQ(t.stated.count(in), 1u) << "stat-ed by name, then read";
  ASSERT_EQ(t.paths.count(missing), 1u) << "statx with AT_EMPTY_PATH and a path looks the path up";
  EXPECT_EQ(t.stated.count(missing), 1u);
}

TEST_F(TracerTest, AFileFstatedThroughItsFdHadItsTimesSeen) {
  std::string in = m_dir + "/in.txt";
  int code = -1;
  Trace t = traced(
      [&] {
        int fd = open(in.c_str(), O_RDONLY);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0) return 10;  // what tar and cp -p do
        close(fd);
        return 0;
      },
      code);
  ASSERT_EQ(code, 0);
  EXPECT_TRUE(t.complete) << t.incomplete_reason;
  EXPECT_EQ(t.paths[in], Use::read);
  EXPECT_EQ(t.stated.count(in), 1u);
}

TEST_F(TracerTest, ChanceTimeAndTheProgramsRunAreSeen) {
  int code = -1;
  Trace quiet = traced(
      [&] {
        char buf[8];
        // glibc's malloc seeds itself so in every process: not a source.
        return syscall(SYS_getrandom, buf, 8, GRND_NONBLOCK) == 8 ? 0 : 10;
      },
      code);
  ASSERT_EQ(code, 0);
  EXPECT_EQ(quiet.entropy, "");
  Trace drew = traced(
      [&] {
        char buf[32];
        return syscall(SYS_getrandom, buf, 32, 0) == 32 ? 0 : 10;
      },
      code);
  ASSERT_EQ(code, 0);
  EXPECT_EQ(drew.entropy, "getrandom");
  Trace device = traced(
      [&] {
        int fd = open("/dev/urandom", O_RDONLY);
        if (fd < 0) return 10;
        close(fd);
        pid_t p = fork();
        if (p == 0) {
          execl("/bin/true", "true", static_cast<char*>(nullptr));
          _exit(127);
        }
        int st = 0;
        waitpid(p, &st, 0);
        return 0;
      },
      code);
  ASSERT_EQ(code, 0);
  EXPECT_EQ(device.entropy, "/dev/urandom");
  EXPECT_NE(std::find(device.executed.begin(), device.executed.end(), "true"), device.executed.end());
}

TEST(TraceUse, FirstUseDecides) {
  EXPECT_EQ(merge_use(Use::probed, Use::read), Use::read);
  EXPECT_EQ(merge_use(Use::read, Use::written), Use::read);
  EXPECT_EQ(merge_use(Use::written, Use::read), Use::written) << "it read what it had written itself";
  EXPECT_EQ(merge_use(Use::probed_link, Use::probed), Use::probed_link) << "a followed target is noted under its own name";
}

}  // namespace
}  // namespace vg::sandbox::trace
