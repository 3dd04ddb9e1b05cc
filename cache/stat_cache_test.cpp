#include "cache/stat_cache.hpp"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "config/sha256.hpp"
#include "cache/test_util.hpp"

namespace vg::cache {
namespace {

using testing::TempDir;
using testing::write_text;

constexpr std::int64_t k_second = 1'000'000'000;

std::int64_t mtime_of(const std::string& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return file_stat(st).mtime_ns;
}

TEST(StatCache, HashesContent) {
  TempDir dir;
  write_text(dir / "a.txt", "abc");
  StatCache cache;
  auto d = cache.digest(dir / "a.txt");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(*d, config::sha256_hex("abc"));
  EXPECT_EQ(cache.hashed(), 1u);
  EXPECT_TRUE(cache.dirty());
}

TEST(StatCache, RacyRecordIsWorthSavingOnceItHasAged) {
  TempDir dir;
  write_text(dir / "a.txt", "abc");
  std::int64_t now = mtime_of(dir / "a.txt") + k_second / 2;
  StatCache cache;
  cache.set_clock([&now] { return now; });
  ASSERT_TRUE(cache.digest(dir / "a.txt"));
  EXPECT_TRUE(cache.dirty()) << "a new record";
  cache.clear_dirty();
  ASSERT_TRUE(cache.digest(dir / "a.txt"));
  EXPECT_FALSE(cache.dirty()) << "re-hashed, still racy, nothing new to save";
  now += 5 * k_second;
  ASSERT_TRUE(cache.digest(dir / "a.txt"));
  EXPECT_TRUE(cache.dirty()) << "trusted now: saving it stops the re-hashing";
  EXPECT_EQ(cache.encode("", Select::changed_inside), cache.encode("", Select::all_inside));
  cache.clear_dirty();
  ASSERT_TRUE(cache.digest(dir / "a.txt"));
  EXPECT_FALSE(cache.dirty());
  EXPECT_EQ(cache.hashed(), 3u);
}

TEST(StatCache, TrustedRecordSkipsReading) {
  TempDir dir;
  write_text(dir / "a.txt", "abc");
  std::int64_t later = mtime_of(dir / "a.txt") + 10 * k_second;
  StatCache cache;
  cache.set_clock([later] { return later; });
  ASSERT_TRUE(cache.digest(dir / "a.txt"));
  ASSERT_TRUE(cache.digest(dir / "a.txt"));
  EXPECT_EQ(cache.hashed(), 1u) << "the second digest should come from the stat cache";
}

TEST(StatCache, RacyRecordIsRehashed) {
  TempDir dir;
  write_text(dir / "a.txt", "abc");
  std::int64_t now = mtime_of(dir / "a.txt") + k_second / 2;  // hashed within 2 s of the change
  StatCache cache;
  cache.set_clock([&now] { return now; });
  ASSERT_TRUE(cache.digest(dir / "a.txt"));
  ASSERT_TRUE(cache.digest(dir / "a.txt"));
  EXPECT_EQ(cache.hashed(), 2u) << "a racy record must be re-checked by content";
  now += 5 * k_second;  // re-hashed late enough: now trusted
  ASSERT_TRUE(cache.digest(dir / "a.txt"));
  ASSERT_TRUE(cache.digest(dir / "a.txt"));
  EXPECT_EQ(cache.hashed(), 3u);
}

TEST(StatCache, RacyWindowBoundary) {
  FileStat st{3, 100 * k_second, 100 * k_second, 1, 1, 0100644};
  StatRecord r{st, "d", 100 * k_second + k_racy_window_ns - 1};
  EXPECT_FALSE(StatCache::trusted(r, st));
  r.hashed_at_ns = 100 * k_second + k_racy_window_ns;
  EXPECT_TRUE(StatCache::trusted(r, st));
  FileStat other = st;
  other.ino = 2;
  EXPECT_FALSE(StatCache::trusted(r, other));
  other = st;
  other.ctime_ns += 1;
  EXPECT_FALSE(StatCache::trusted(r, other)) << "ctime catches an edit whose mtime was put back";
}

TEST(StatCache, EditWithRestoredMtimeIsSeen) {
  TempDir dir;
  std::string p = dir / "a.txt";
  write_text(p, "abc");
  struct stat before {};
  ::stat(p.c_str(), &before);
  StatCache cache;
  cache.set_clock([] { return std::int64_t(4'000'000'000) * k_second; });
  auto d1 = cache.digest(p);
  ASSERT_TRUE(d1);
  write_text(p, "xyz");  // same size
  timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, p.c_str(), times, 0), 0);
  auto d2 = cache.digest(p);
  ASSERT_TRUE(d2);
  EXPECT_EQ(*d2, config::sha256_hex("xyz"));
}

TEST(StatCache, EncodeMergeRoundTrip) {
  StatCache a;
  a.put("/w/a", {{1, 2, 3, 4, 5, 6}, "d1", 7});
  a.put("/x/b", {{1, 2, 3, 4, 5, 6}, "d2", 7});
  StatCache b;
  ASSERT_TRUE(b.merge(a.encode("/w/")));
  ASSERT_EQ(b.records().size(), 1u);
  EXPECT_EQ(b.records().at("/w/a").digest, "d1");
  EXPECT_FALSE(b.merge("garbage"));
  std::string enc = a.encode();
  EXPECT_FALSE(b.merge(enc.substr(0, enc.size() - 3)));
}

}  // namespace
}  // namespace vg::cache
