// The restricted network's socket directory: private, gone from the host
// once released (its sockets still working), and swept when a killed vg left
// one behind, never while its creator lives.
#include "sandbox/proxy/socket_dir.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "sandbox/proxy/sandbox_network.hpp"

namespace fs = std::filesystem;

namespace vg::sandbox::proxy {
namespace {

// Connect to the unix socket at `path`; 0 or the errno.
int connect_to(const std::string& path) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  std::snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path.c_str());
  return ::connect(fd.get(), reinterpret_cast<sockaddr*>(&sun), sizeof sun) == 0 ? 0 : errno;
}

std::string pid_namespace() {
  struct stat st{};
  return stat("/proc/self/ns/pid", &st) == 0 ? std::to_string(st.st_ino) : "0";
}

class SocketDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vg-socket-dir-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root = tmpl;
    base = root + "/base";
  }
  void TearDown() override {
    if (HasFailure()) {
      std::fprintf(stderr, "kept test directory: %s\n", root.c_str());
    } else {
      fs::remove_all(root);
    }
  }
  std::string root, base;
};

TEST_F(SocketDirTest, ARunDirectoryIsPrivateAndNamedAfterItsCreator) {
  auto dir = SocketDir::make(base);
  ASSERT_TRUE(dir.ok()) << dir.error().message;
  std::string name = fs::path(dir->path()).filename();
  EXPECT_EQ(name.rfind(std::to_string(getpid()) + "-" + pid_namespace() + "-", 0), 0u) << name;
  EXPECT_EQ(fs::path(dir->path()).parent_path(), base);
  struct stat st{};
  ASSERT_EQ(stat(dir->path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(stat(base.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(SocketDirTest, RemovedItLeavesNothingAndItsSocketStillAnswers) {
  auto dir = SocketDir::make(base);
  ASSERT_TRUE(dir.ok()) << dir.error().message;
  UniqueFd listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  std::snprintf(sun.sun_path, sizeof sun.sun_path, "%s", dir->at("s.sock").c_str());
  ASSERT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&sun), sizeof sun), 0) << std::strerror(errno);
  ASSERT_EQ(::listen(listener.get(), 4), 0);
  UniqueFd kept(::open(dir->at("s.sock").c_str(), O_PATH | O_CLOEXEC));  // what a mount would hold
  ASSERT_TRUE(kept.valid());
  std::string path = dir->path();

  dir->remove();
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(fs::is_empty(base));
  EXPECT_EQ(connect_to("/proc/self/fd/" + std::to_string(kept.get())), 0);
  // at() names the removed directory, never a new one of the same name.
  fs::create_directories(path);
  std::ofstream(path + "/s.sock") << "";
  EXPECT_NE(::unlink(dir->at("s.sock").c_str()), 0);
  EXPECT_TRUE(fs::exists(path + "/s.sock"));
}

TEST_F(SocketDirTest, MakingOneSweepsTheDirectoriesOfDeadVgsOnly) {
  pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  const std::string ns = pid_namespace();
  std::string left = base + "/" + std::to_string(dead) + "-" + ns + "-AbCdEf";
  std::string live = base + "/1-" + ns + "-AbCdEf";                          // pid 1 lives
  std::string elsewhere = base + "/" + std::to_string(dead) + "-1-AbCdEf";   // another pid namespace
  for (const auto& d : {left, live, elsewhere}) {
    fs::create_directories(d);
    std::ofstream(d + "/counters.sock") << "";
  }
  chmod(base.c_str(), 0700);
  auto dir = SocketDir::make(base);
  ASSERT_TRUE(dir.ok()) << dir.error().message;
  EXPECT_FALSE(fs::exists(left));
  EXPECT_TRUE(fs::exists(live + "/counters.sock"));
  EXPECT_TRUE(fs::exists(elsewhere + "/counters.sock"));
}

TEST_F(SocketDirTest, ABaseThatIsNotPrivateIsRefused) {
  fs::create_directories(base);
  chmod(base.c_str(), 0777);
  auto dir = SocketDir::make(base);
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.error().message.find("is not a directory of this user's with mode 0700 at most"), std::string::npos)
      << dir.error().message;
  fs::remove(base);
  ASSERT_EQ(symlink(root.c_str(), base.c_str()), 0);
  EXPECT_FALSE(SocketDir::make(base).ok()) << "a symlink is never followed";
}

TEST_F(SocketDirTest, GivenToAnotherUidTheDirectoryAndItsSocketsAreThatUids) {
  if (geteuid() != 0) GTEST_SKIP() << "only root gives files away";
  auto dir = SocketDir::make(base);
  ASSERT_TRUE(dir.ok()) << dir.error().message;
  std::ofstream(dir->path() + "/proxy.sock") << "";
  ASSERT_TRUE(dir->give(2147483646, 2147483646).ok());
  for (const auto& p : {dir->path(), dir->path() + "/proxy.sock"}) {
    struct stat st{};
    ASSERT_EQ(stat(p.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 2147483646u) << p;
    EXPECT_EQ(st.st_gid, 2147483646u) << p;
  }
  struct stat st{};
  ASSERT_EQ(stat(dir->path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST(HostNetwork, RootsSocketDirectoryCanBePassedThroughButNotListed) {
  if (geteuid() != 0) GTEST_SKIP() << "root's layout";
  config::Network network;
  network.mode = config::NetworkMode::restricted;
  auto net = HostNetwork::prepare(network);
  ASSERT_TRUE(net.ok()) << net.error().message;
  std::string base = fs::path((*net)->socket_dir()).parent_path();
  struct stat st{};
  ASSERT_EQ(stat(base.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_EQ(st.st_mode & 0777, 0711u) << base;
}

TEST(HostNetwork, ReleasedTheSocketDirectoryIsGoneAndTheProxyStillAnswers) {
  config::Network network;
  network.mode = config::NetworkMode::restricted;
  network.allowed_hosts = {"example.org"};
  auto net = HostNetwork::prepare(network);
  ASSERT_TRUE(net.ok()) << net.error().message;
  std::string dir = (*net)->socket_dir();
  auto sockets = (*net)->sandbox_sockets();
  ASSERT_EQ(sockets.size(), 2u);
  EXPECT_EQ(sockets[0].sandbox_path, k_sandbox_socket);
  for (const auto& s : sockets) {
    struct stat st{};
    ASSERT_EQ(stat(s.host_path.c_str(), &st), 0) << s.host_path;
    EXPECT_TRUE(S_ISSOCK(st.st_mode)) << s.host_path;
  }
  (*net)->release_socket_dir();
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_EQ((*net)->socket_dir(), "");
  EXPECT_TRUE((*net)->sandbox_sockets().empty());
  EXPECT_EQ(connect_to((*net)->host_socket()), 0);
}

TEST(HostNetwork, DestroyedItLeavesNoSocketDirectory) {
  config::Network network;
  network.mode = config::NetworkMode::restricted;
  auto net = HostNetwork::prepare(network);
  ASSERT_TRUE(net.ok()) << net.error().message;
  std::string dir = (*net)->socket_dir();
  ASSERT_TRUE(fs::exists(dir));
  net = make_error("dropped");
  EXPECT_FALSE(fs::exists(dir));
}

}  // namespace
}  // namespace vg::sandbox::proxy
