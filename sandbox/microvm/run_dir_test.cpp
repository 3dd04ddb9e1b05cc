// What a killed vg leaves in the microVM's runtime and data directories is
// removed by the next one, and nothing a live process owns; a template that
// cannot be restored says which file and why.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "sandbox/microvm/files.hpp"
#include "sandbox/microvm/runtime_dir.hpp"
#include "sandbox/microvm/template.hpp"

namespace vg::sandbox::microvm {
namespace {

bool exists(const std::string& p) {
  struct stat st;
  return lstat(p.c_str(), &st) == 0;
}

std::string pid_namespace() {
  struct stat st{};
  return stat("/proc/self/ns/pid", &st) == 0 ? std::to_string(st.st_ino) : "0";
}

// A pid no process has any more.
pid_t dead_pid() {
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  waitpid(pid, nullptr, 0);
  return pid;
}

class RunDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string t = "/tmp/vg-rundir-XXXXXX";
    ASSERT_NE(mkdtemp(t.data()), nullptr);
    m_dir = t;
  }
  void TearDown() override { remove_tree(m_dir); }
  void make(const std::string& name) {
    ASSERT_EQ(mkdir((m_dir + "/" + name).c_str(), 0700), 0) << name;
    int fd = open((m_dir + "/" + name + "/file").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    close(fd);
  }
  std::string m_dir;
};

TEST_F(RunDirTest, DirectoriesOfDeadCreatorsAreSweptAndOthersKept) {
  std::string ns = pid_namespace();
  std::string dead = "run-" + std::to_string(dead_pid()) + "-" + ns + "-abcdef";
  std::string live = "run-1-" + ns + "-abcdef";  // pid 1 started before anything here
  std::string other_ns = "run-" + std::to_string(dead_pid()) + "-1-abcdef";
  std::string other_prefix = "pool-" + std::to_string(dead_pid()) + "-" + ns + "-abcdef";
  for (const auto& n : {dead, live, other_ns, other_prefix}) make(n);

  auto made = make_owned_dir(m_dir, "run-");
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_FALSE(exists(m_dir + "/" + dead)) << "a dead vg's run directory was left";
  EXPECT_TRUE(exists(m_dir + "/" + live)) << "a live process's run directory was removed";
  EXPECT_TRUE(exists(m_dir + "/" + other_ns)) << "a run directory of another pid namespace was removed";
  EXPECT_TRUE(exists(m_dir + "/" + other_prefix));
  std::string mine = "run-" + std::to_string(getpid()) + "-" + ns + "-";
  EXPECT_EQ(made->rfind(m_dir + "/" + mine, 0), 0u) << *made;
  struct stat st{};
  ASSERT_EQ(stat(made->c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  // Its own directory is never swept by its creator.
  auto again = make_owned_dir(m_dir, "run-");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(exists(*made));
}

TEST_F(RunDirTest, RestoreBlockerNamesTheMemoryImageAndTheError) {
  Template t;
  t.dir = m_dir;
  t.memory = m_dir + "/memory";
  // A directory in its place: open(O_RDWR) fails as on a read-only mount.
  ASSERT_EQ(mkdir(t.memory.c_str(), 0700), 0);
  std::string why = restore_blocker(t);
  EXPECT_NE(why.find(t.memory), std::string::npos) << why;
  EXPECT_NE(why.find("Is a directory"), std::string::npos) << why;
  EXPECT_EQ(why.find('\n'), std::string::npos) << why;
  rmdir(t.memory.c_str());
  int fd = open(t.memory.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  close(fd);
  EXPECT_EQ(restore_blocker(t), "");
}

}  // namespace
}  // namespace vg::sandbox::microvm
