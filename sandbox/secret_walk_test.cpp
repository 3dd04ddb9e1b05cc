// The secret walk (secret_walk.hpp): what it finds at every depth, and that
// its index never makes it miss a secret added since the last walk.
#include "sandbox/secret_walk.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace vg::sandbox {
namespace {

namespace fs = std::filesystem;

class SecretWalkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char t[] = "/tmp/vg-walk-XXXXXX";
    ASSERT_NE(mkdtemp(t), nullptr);
    m_tmp = t;
    m_ws = m_tmp + "/ws";
    fs::create_directories(m_ws);
    m_walk.root = m_ws;
    m_walk.index_dir = m_tmp + "/index";
  }
  void TearDown() override { fs::remove_all(m_tmp); }
  void touch(const std::string& rel) {
    fs::create_directories(fs::path(m_ws + "/" + rel).parent_path());
    std::ofstream(m_ws + "/" + rel) << "x";
  }
  SecretPaths walk() {
    auto r = find_secret_paths(m_walk);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? *r : SecretPaths{};
  }
  bool found(const SecretPaths& s, const std::string& rel) {
    return std::find(s.paths.begin(), s.paths.end(), m_ws + "/" + rel) != s.paths.end();
  }
  // Old enough that the index trusts every directory's listing.
  static void age() { std::this_thread::sleep_for(std::chrono::milliseconds(1100)); }

  std::string m_tmp, m_ws;
  SecretWalk m_walk;
};

TEST_F(SecretWalkTest, FindsEnvFilesAtEveryDepthGitIncluded) {
  touch(".env");
  touch("app/api/.env");
  touch("a/b/c/d/.env.production");
  touch("a/b/c/readme.md");
  touch(".git/.env");
  touch("src/.git/.env");
  auto s = walk();
  EXPECT_TRUE(found(s, ".env"));
  EXPECT_TRUE(found(s, "app/api/.env"));
  EXPECT_TRUE(found(s, "a/b/c/d/.env.production"));
  EXPECT_TRUE(found(s, ".git/.env"));
  EXPECT_TRUE(found(s, "src/.git/.env"));
  EXPECT_FALSE(found(s, "a/b/c/readme.md"));
  EXPECT_EQ(s.paths.size(), 5u);
}

TEST_F(SecretWalkTest, EveryOtherNameOfASecretFileIsFound) {
  touch("app/.env");
  touch("keys/id.pem");
  touch("plain.txt");
  fs::create_hard_link(m_ws + "/app/.env", m_ws + "/notes.txt");
  fs::create_directories(m_ws + "/deep/er");
  fs::create_hard_link(m_ws + "/keys/id.pem", m_ws + "/deep/er/copy");
  m_walk.exclude = {"keys"};
  auto s = walk();
  EXPECT_TRUE(found(s, "notes.txt"));
  EXPECT_TRUE(found(s, "deep/er/copy"));  // a file inside a hidden directory, linked outside it
  EXPECT_FALSE(found(s, "plain.txt"));
}

TEST_F(SecretWalkTest, ATreeTooDeepToCoverIsAnError) {
  std::string name(200, 'x');
  fs::create_directories(m_ws + "/d");
  // Deeper than PATH_MAX from the root: made by descending, as a path that long cannot be used whole.
  int fd = open((m_ws + "/d").c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(fd, 0);
  for (int i = 0; i < 25; ++i) {
    ASSERT_EQ(mkdirat(fd, name.c_str(), 0755), 0);
    int next = openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY);
    close(fd);
    fd = next;
    ASSERT_GE(fd, 0);
  }
  close(fd);
  auto r = find_secret_paths(m_walk);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("nested too deep"), std::string::npos) << r.error().message;
  // GNU rm descends by descriptor, so it can remove what no path reaches.
  ASSERT_EQ(std::system(("rm -rf '" + m_ws + "/d'").c_str()), 0);
}

TEST_F(SecretWalkTest, ExcludeNamesMatchAtAnyDepthAndPathsFromTheRoot) {
  touch("deep/er/server.pem");
  touch("keys/top.key");
  touch("other/keys/not.key");
  m_walk.exclude = {"*.pem", "keys/*.key"};
  auto s = walk();
  EXPECT_TRUE(found(s, "deep/er/server.pem"));
  EXPECT_TRUE(found(s, "keys/top.key"));
  EXPECT_FALSE(found(s, "other/keys/not.key"));
}

TEST_F(SecretWalkTest, ASecretAddedRightAfterAWalkIsFoundByTheNext) {
  touch("a/b/c/file");
  EXPECT_TRUE(walk().paths.empty());
  // Within the same tick of the file-system clock as the listing.
  touch("a/b/c/.env");
  EXPECT_TRUE(found(walk(), "a/b/c/.env"));
}

TEST_F(SecretWalkTest, TheIndexSparesListingsAndStillSeesEveryChange) {
  for (int i = 0; i < 20; ++i) touch("pkg" + std::to_string(i) + "/sub/file");
  auto first = walk();
  EXPECT_EQ(first.listed, 41u);  // the root, 20 packages, 20 subdirectories
  age();
  walk();  // lists the directories that were too recent to trust
  auto quiet = walk();
  EXPECT_EQ(quiet.listed, 0u);
  EXPECT_EQ(quiet.entries, first.entries);

  touch("pkg7/sub/.env.local");                           // a new file
  fs::create_directories(m_ws + "/pkg3/sub/new/deeper");  // a new tree with a secret in it
  touch("pkg3/sub/new/deeper/.env");
  fs::rename(m_ws + "/pkg5", m_ws + "/moved");            // a renamed one
  touch("moved/sub/.env");
  auto after = walk();
  EXPECT_TRUE(found(after, "pkg7/sub/.env.local"));
  EXPECT_TRUE(found(after, "pkg3/sub/new/deeper/.env"));
  EXPECT_TRUE(found(after, "moved/sub/.env"));
  EXPECT_EQ(after.paths.size(), 3u);
  EXPECT_LT(after.listed, 10u);
}

TEST_F(SecretWalkTest, ADirectoryReplacedByAnotherIsListedAgain) {
  touch("a/file");
  walk();
  age();
  walk();
  fs::remove_all(m_ws + "/a");
  touch("a/.env");
  EXPECT_TRUE(found(walk(), "a/.env"));
}

TEST_F(SecretWalkTest, ADamagedIndexIsIgnored) {
  touch("x/y/.env");
  walk();
  for (const auto& e : fs::directory_iterator(m_walk.index_dir)) {
    std::ofstream(e.path(), std::ios::trunc) << "vg-secret-index 1\n\x05garbage";
  }
  EXPECT_TRUE(found(walk(), "x/y/.env"));
  for (const auto& e : fs::directory_iterator(m_walk.index_dir)) fs::resize_file(e.path(), 40);
  EXPECT_TRUE(found(walk(), "x/y/.env"));
}

TEST_F(SecretWalkTest, OtherPatternsDoNotShareAnIndex) {
  touch("d/cert.pem");
  walk();
  age();
  walk();
  m_walk.exclude = {"*.pem"};
  EXPECT_TRUE(found(walk(), "d/cert.pem"));
}

TEST_F(SecretWalkTest, ATreeTooLargeToWalkIsAnError) {
  for (int i = 0; i < 30; ++i) touch("f" + std::to_string(i));
  m_walk.entry_limit = 20;
  auto r = find_secret_paths(m_walk);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("does not start"), std::string::npos);
}

TEST_F(SecretWalkTest, WorksWithoutAnIndex) {
  m_walk.index_dir.clear();
  touch("q/.env");
  EXPECT_TRUE(found(walk(), "q/.env"));
}

}  // namespace
}  // namespace vg::sandbox
