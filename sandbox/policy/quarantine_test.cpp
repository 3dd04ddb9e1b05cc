// The quarantine's bounds: its cap over all runs, its entries per run.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include "config/owned.hpp"
#include "sandbox/policy/quarantine.hpp"

#include "sandbox/policy/policy_test_fixture.hpp"

namespace vg::sandbox::policy::test {
namespace {

// A refused regular file of the upper directory, as the scan lists it.
Item regular_file(const std::string& path) {
  Item it;
  it.change.path = path;
  it.type = EntryType::regular;
  it.mode = 0644;
  return it;
}

// --- the quarantine is bounded

TEST_F(PolicyTest, QuarantineRemovesTheOldestRunsToStayUnderItsCapAndSaysSo) {
  std::string base = rules.quarantine_base;
  fs::create_directories(base + "/20200101-000000-1");
  write(base + "/20200101-000000-1/old.bin", std::string(48 * 1024, 'o'));
  fs::create_directories(base + "/20990101-000000-2");  // a newer run: kept
  write(base + "/20990101-000000-2/new.bin", std::string(4 * 1024, 'n'));
  write(upper + "/refused.bin", std::string(32 * 1024, 'r'));
  Item it = regular_file("refused.bin");
  vg::UniqueFd up(open(upper.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  policy::Quarantine q(base, 80 * 1024);
  ASSERT_TRUE(q.keep(up.get(), it, "refused", "test"));
  EXPECT_TRUE(fs::exists(q.dir() + "/refused.bin"));
  EXPECT_FALSE(fs::exists(base + "/20200101-000000-1")) << "the oldest run should have made room";
  EXPECT_TRUE(fs::exists(base + "/20990101-000000-2"));
  ASSERT_EQ(q.notes().size(), 1u);
  EXPECT_NE(q.notes()[0].find("removed the oldest quarantine"), std::string::npos) << q.notes()[0];
}

TEST_F(PolicyTest, ChangeLargerThanTheQuarantineCapIsListedNotKept) {
  write(upper + "/huge.bin", std::string(96 * 1024, 'h'));
  Item it = regular_file("huge.bin");
  vg::UniqueFd up(open(upper.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  policy::Quarantine q(rules.quarantine_base, 64 * 1024);
  auto kept = q.keep(up.get(), it, "refused", "too big");
  ASSERT_FALSE(kept);
  EXPECT_NE(kept.error().message.find("cap"), std::string::npos) << kept.error().message;
  EXPECT_FALSE(fs::exists(q.dir() + "/huge.bin"));
  std::ifstream manifest(q.dir() + "/manifest.tsv");
  std::string line;
  std::getline(manifest, line);
  EXPECT_NE(line.find("huge.bin"), std::string::npos) << line;
  EXPECT_NE(line.find("not kept"), std::string::npos) << line;
}

TEST_F(PolicyTest, ManyRefusedEntriesCostTheQuarantineNoFileEachPastTheCap) {
  // FIFOs are listed, never copied; and past k_quarantine_max_entries a
  // run's refused files are listed without their content.
  for (int i = 0; i < 50; ++i) {
    std::string fifo = upper + "/f" + std::to_string(i);
    ASSERT_EQ(mkfifo(fifo.c_str(), 0644), 0);
  }
  auto r = commit();
  ASSERT_FALSE(r.quarantine.empty());
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(r.quarantine)) files += e.path().filename() != "manifest.tsv";
  EXPECT_EQ(files, 0u) << "a FIFO took a file of its own in the quarantine";
  std::ifstream manifest(r.quarantine + "/manifest.tsv");
  std::string line;
  int lines = 0;
  while (std::getline(manifest, line)) ++lines;
  EXPECT_EQ(lines, 50);
}

}  // namespace
}  // namespace vg::sandbox::policy::test
