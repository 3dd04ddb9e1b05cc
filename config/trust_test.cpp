// The trust store of repository configs.
#include "config/trust.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

#include "config/sha256.hpp"
#include "config/test_dir.hpp"

namespace vg::config {
namespace {

class TrustStore : public testing::TempDirTest {
 protected:
  std::string store() const { return home + "/.local/state/vg/trusted-configs"; }
};

TEST_F(TrustStore, MissingStoreTrustsNothing) {
  EXPECT_FALSE(is_trusted(store(), "/r/.vg.yaml", "x"));
  auto r = untrust_config(store(), "/r/.vg.yaml");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
}

TEST_F(TrustStore, TrustIsPerPathAndContent) {
  ASSERT_TRUE(trust_config(store(), "/r/.vg.yaml", "a").ok());
  EXPECT_TRUE(is_trusted(store(), "/r/.vg.yaml", "a"));
  EXPECT_FALSE(is_trusted(store(), "/r/.vg.yaml", "a "));
  EXPECT_FALSE(is_trusted(store(), "/s/.vg.yaml", "a"));
  // Re-trusting replaces the line instead of adding one.
  ASSERT_TRUE(trust_config(store(), "/r/.vg.yaml", "b").ok());
  EXPECT_FALSE(is_trusted(store(), "/r/.vg.yaml", "a"));
  EXPECT_TRUE(is_trusted(store(), "/r/.vg.yaml", "b"));
  std::ifstream in(store());
  std::string all((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(all, sha256_hex("b") + "  /r/.vg.yaml\n");
}

TEST_F(TrustStore, PathsWithSpacesWork) {
  ASSERT_TRUE(trust_config(store(), "/my repo/.vg.yaml", "a").ok());
  EXPECT_TRUE(is_trusted(store(), "/my repo/.vg.yaml", "a"));
  EXPECT_FALSE(trust_config(store(), "/bad\npath", "a").ok());
}

TEST_F(TrustStore, GarbageLinesAreSkippedAndKept) {
  write(store(), "garbage\n" + sha256_hex("a") + "  /r/.vg.yaml\nshort  /x\n");
  EXPECT_TRUE(is_trusted(store(), "/r/.vg.yaml", "a"));
  EXPECT_FALSE(is_trusted(store(), "/x", "a"));
  ASSERT_TRUE(trust_config(store(), "/t/.vg.yaml", "t").ok());
  EXPECT_TRUE(is_trusted(store(), "/r/.vg.yaml", "a"));
  EXPECT_TRUE(is_trusted(store(), "/t/.vg.yaml", "t"));
}

TEST_F(TrustStore, UnreadableStoreIsAnErrorForWritesAndTrustsNothing) {
  std::filesystem::create_directories(store());
  EXPECT_FALSE(is_trusted(store(), "/r/.vg.yaml", "a"));
  auto r = trust_config(store(), "/r/.vg.yaml", "a");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("it is a directory"), std::string::npos) << r.error().message;
}

TEST_F(TrustStore, NoTemporaryFileIsLeftBehind) {
  ASSERT_TRUE(trust_config(store(), "/r/.vg.yaml", "a").ok());
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(store()).parent_path())) {
    std::string name = e.path().filename().string();
    EXPECT_TRUE(name == "trusted-configs" || name == "trusted-configs.lock") << name;
  }
}

TEST_F(TrustStore, ConcurrentTrustsLoseNothing) {
  constexpr int k_writers = 8;
  std::vector<pid_t> pids;
  for (int i = 0; i < k_writers; ++i) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      for (int j = 0; j < 10; ++j) {
        std::string path = "/repo" + std::to_string(i) + "-" + std::to_string(j) + "/.vg.yaml";
        if (!trust_config(store(), path, path).ok()) ::_exit(1);
      }
      ::_exit(0);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  for (int i = 0; i < k_writers; ++i) {
    for (int j = 0; j < 10; ++j) {
      std::string path = "/repo" + std::to_string(i) + "-" + std::to_string(j) + "/.vg.yaml";
      EXPECT_TRUE(is_trusted(store(), path, path)) << path;
    }
  }
}

}  // namespace
}  // namespace vg::config
