#include "cache/scan.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>

#include "cache/test_util.hpp"

namespace vg::cache {
namespace {

using testing::TempDir;
using testing::write_text;

// A tree whose names sort differently by component and by whole path
// ("a-b" < "a/x" as strings, but the walk visits a/ first).
void make_tree(const std::string& root) {
  for (int d = 0; d < 12; ++d) {
    for (int f = 0; f < 9; ++f) {
      write_text(root + "/d" + std::to_string(d) + "/s" + std::to_string(f % 3) + "/f" + std::to_string(f), "x");
    }
  }
  write_text(root + "/a/x", "1");
  write_text(root + "/a-b", "2");
  write_text(root + "/skip/me", "3");
  ::symlink("a/x", (root + "/link").c_str());
}

std::vector<std::string> paths(const Scan& scan) {
  std::vector<std::string> out;
  for (const auto& s : scan.entries) out.push_back(s.path);
  return out;
}

TEST(Scan, ThreadsGiveTheSameOrderAsOneThread) {
  TempDir dir;
  make_tree(dir / "ws");
  WalkOptions options{dir / "ws", {"skip"}, 10'000};
  auto one = scan_tree(options, 1);
  ASSERT_TRUE(one) << one.error().message;
  auto paths_one = paths(*one);
  ASSERT_EQ(paths_one.size(), 1u + 2 + 1 + 12 * (1 + 3 + 9)) << "a, a/x, a-b, link, 12 x (d, 3 s, 9 f)";
  EXPECT_EQ(paths_one[0], "a");
  EXPECT_EQ(paths_one[1], "a/x");
  EXPECT_EQ(paths_one[2], "a-b");
  for (int threads : {2, 4}) {
    for (int round = 0; round < 5; ++round) {
      auto many = scan_tree(options, threads);
      ASSERT_TRUE(many) << many.error().message;
      EXPECT_EQ(paths(*many), paths_one) << threads << " threads";
    }
  }
  StatCache stats;
  auto tree = digest_scan(options, *one, stats);
  ASSERT_TRUE(tree);
  const TreeEntry* link = tree->find("link");
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->kind, TreeEntry::Kind::symlink);
  EXPECT_EQ(link->digest, "a/x");
  EXPECT_EQ(tree->find("skip"), nullptr) << "excluded";
}

TEST(Scan, TooManyEntriesStopsEveryThread) {
  TempDir dir;
  make_tree(dir / "ws");
  auto scan = scan_tree({dir / "ws", {}, 20}, 3);
  ASSERT_FALSE(scan);
  EXPECT_NE(scan.error().message.find("more than 20"), std::string::npos);
}

TEST(Scan, QuietThreadBlocksSignals) {
  std::atomic<bool> blocked{false};
  quiet_thread([&blocked] {
    sigset_t mask;
    ::pthread_sigmask(SIG_BLOCK, nullptr, &mask);
    blocked = ::sigismember(&mask, SIGCHLD) == 1 && ::sigismember(&mask, SIGINT) == 1;
  }).join();
  EXPECT_TRUE(blocked);
  sigset_t mine;
  ::pthread_sigmask(SIG_BLOCK, nullptr, &mine);
  EXPECT_EQ(::sigismember(&mine, SIGCHLD), 0) << "the caller's mask is restored";
}

}  // namespace
}  // namespace vg::cache
