// The write set from the guest is untrusted: forged entries must never
// write outside the host upper directory, and the policy engine refuses
// symlinks that climb out of the workspace.
#include "sandbox/microvm/upper_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "sandbox/microvm/files.hpp"
#include "sandbox/policy/policy.hpp"

namespace vg::sandbox::microvm {
namespace {

std::string temp_dir(const char* prefix) {
  std::string t = std::string("/tmp/") + prefix + "XXXXXX";
  return mkdtemp(t.data()) ? t : "";
}

bool exists(const std::string& p) {
  struct stat st;
  return lstat(p.c_str(), &st) == 0;
}

proto::Change change(proto::Change::Kind kind, const std::string& path, std::uint64_t size = 0,
                     const std::string& target = "") {
  proto::Change c;
  c.kind = kind;
  c.path = path;
  c.mode = kind == proto::Change::Kind::directory ? 0755 : 0644;
  c.size = size;
  c.target = target;
  return c;
}

class UpperWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_upper = temp_dir("vgup-");
    m_outside = temp_dir("vgout-");
    m_workspace = temp_dir("vgws-");
  }
  void TearDown() override {
    remove_tree(m_upper);
    remove_tree(m_outside);
    remove_tree(m_workspace);
  }
  std::string m_upper, m_outside, m_workspace;
};

TEST_F(UpperWriterTest, FileBeneathAForgedSymlinkIsRefusedAndNothingEscapes) {
  UpperWriter w(m_upper, 0);
  ASSERT_TRUE(w.begin(change(proto::Change::Kind::symlink, "link", 0, m_outside)).ok());
  ASSERT_TRUE(w.begin(change(proto::Change::Kind::file, "link/pwned", 5)).ok());
  ASSERT_TRUE(w.data("pwned").ok());
  ASSERT_TRUE(w.finish().ok());
  EXPECT_FALSE(exists(m_outside + "/pwned")) << "the write followed the symlink out of the upper dir";
  ASSERT_EQ(w.refused().size(), 1u);
  EXPECT_EQ(w.refused()[0].path, "link/pwned");
  EXPECT_NE(w.refused()[0].reason.find("symlink"), std::string::npos);

  // The policy engine then refuses the escaping symlink itself.
  policy::Rules rules;
  rules.quarantine_base = m_upper + ".q";
  auto report = policy::commit_write_set(m_upper, m_workspace, rules);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_FALSE(exists(m_workspace + "/link"));
  EXPECT_EQ(report->refused, 1);
  remove_tree(m_upper + ".q");
}

TEST_F(UpperWriterTest, UnsafePathsBreakTheStream) {
  UpperWriter w(m_upper, 0);
  EXPECT_FALSE(w.begin(change(proto::Change::Kind::file, "../escape", 1)).ok());
  UpperWriter w2(m_upper, 0);
  EXPECT_FALSE(w2.begin(change(proto::Change::Kind::file, m_outside + "/abs", 1)).ok());
  EXPECT_FALSE(exists(m_outside + "/abs"));
}

TEST_F(UpperWriterTest, MoreBytesThanAnnouncedOrTooFewAreErrors) {
  UpperWriter w(m_upper, 0);
  ASSERT_TRUE(w.begin(change(proto::Change::Kind::file, "a", 2)).ok());
  EXPECT_FALSE(w.data("abc").ok());
  UpperWriter w2(m_upper, 0);
  ASSERT_TRUE(w2.begin(change(proto::Change::Kind::file, "b", 4)).ok());
  ASSERT_TRUE(w2.data("ab").ok());
  EXPECT_FALSE(w2.finish().ok());
}

TEST_F(UpperWriterTest, SizeLimitRefusesTheFileWithoutBreakingTheStream) {
  UpperWriter w(m_upper, 3);
  ASSERT_TRUE(w.begin(change(proto::Change::Kind::file, "big", 10)).ok());
  ASSERT_TRUE(w.data("0123456789").ok());
  ASSERT_TRUE(w.finish().ok());
  EXPECT_FALSE(exists(m_upper + "/big"));
  ASSERT_EQ(w.refused().size(), 1u);
  EXPECT_NE(w.refused()[0].reason.find("limit"), std::string::npos);
}

TEST_F(UpperWriterTest, DirectoriesFilesAndWhiteoutsAreCommitted) {
  {
    std::ofstream(m_workspace + "/old.txt") << "old";
  }
  UpperWriter w(m_upper, 0);
  ASSERT_TRUE(w.begin(change(proto::Change::Kind::directory, "d")).ok());
  ASSERT_TRUE(w.begin(change(proto::Change::Kind::file, "d/f.txt", 3)).ok());
  ASSERT_TRUE(w.data("new").ok());
  ASSERT_TRUE(w.begin(change(proto::Change::Kind::whiteout, "old.txt")).ok());
  ASSERT_TRUE(w.finish().ok());
  EXPECT_TRUE(w.refused().empty());
  policy::Rules rules;
  rules.quarantine_base = m_upper + ".q";
  auto report = policy::commit_write_set(m_upper, m_workspace, rules);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->refused, 0) << policy::format_report(*report, true);
  std::ifstream in(m_workspace + "/d/f.txt");
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), "new");
  EXPECT_FALSE(exists(m_workspace + "/old.txt"));
  remove_tree(m_upper + ".q");
}

std::uint64_t allocated(const std::string& p) {
  struct stat st{};
  return stat(p.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_blocks) * 512 : ~0ull;
}

std::string read_at(const std::string& p, off_t offset, std::size_t n) {
  std::string out(n, '\0');
  int fd = open(p.c_str(), O_RDONLY | O_CLOEXEC);
  ssize_t got = fd >= 0 ? pread(fd, out.data(), n, offset) : -1;
  if (fd >= 0) close(fd);
  out.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
  return out;
}

constexpr std::uint64_t k_gib = 1ull << 30;

TEST_F(UpperWriterTest, HolesAreNotAllocatedAndTheApparentSizeIsKept) {
  // 8 bytes of data in a 1 GiB file: under a 10-byte limit, which counts data only.
  UpperWriter w(m_upper, 10);
  ASSERT_TRUE(w.begin(change(proto::Change::Kind::file, "big.bin", k_gib)).ok());
  ASSERT_TRUE(w.data("head").ok());
  ASSERT_TRUE(w.hole(k_gib - 8).ok());
  ASSERT_TRUE(w.data("tail").ok());
  ASSERT_TRUE(w.begin(change(proto::Change::Kind::file, "trailing", 100)).ok());
  ASSERT_TRUE(w.data("x").ok());
  ASSERT_TRUE(w.hole(99).ok());
  ASSERT_TRUE(w.finish().ok());
  EXPECT_TRUE(w.refused().empty()) << w.refused()[0].reason;
  EXPECT_EQ(w.data_bytes(), 9u);
  struct stat st{};
  ASSERT_EQ(stat((m_upper + "/big.bin").c_str(), &st), 0);
  EXPECT_EQ(static_cast<std::uint64_t>(st.st_size), k_gib);
  EXPECT_LT(allocated(m_upper + "/big.bin"), 1u << 20) << "the hole was written densely";
  EXPECT_EQ(read_at(m_upper + "/big.bin", 0, 4), "head");
  EXPECT_EQ(read_at(m_upper + "/big.bin", static_cast<off_t>(k_gib - 4), 4), "tail");
  EXPECT_EQ(read_at(m_upper + "/big.bin", 1 << 20, 4), std::string(4, '\0'));
  ASSERT_EQ(stat((m_upper + "/trailing").c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 100);  // a trailing hole still sets the length
}

TEST_F(UpperWriterTest, SparseFilePastTheDiskLimitIsRefusedByThePolicyAndQuarantinedSparse) {
  UpperWriter w(m_upper, 10 << 20);
  ASSERT_TRUE(w.begin(change(proto::Change::Kind::file, "big.bin", k_gib)).ok());
  ASSERT_TRUE(w.hole(k_gib).ok());
  ASSERT_TRUE(w.begin(change(proto::Change::Kind::file, "small.txt", 3)).ok());
  ASSERT_TRUE(w.data("ok\n").ok());
  ASSERT_TRUE(w.finish().ok());
  ASSERT_TRUE(w.refused().empty());
  policy::Rules rules;
  rules.max_total_size = 10 << 20;  // resources.disk
  rules.quarantine_base = m_upper + ".q";
  auto report = policy::commit_write_set(m_upper, m_workspace, rules);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->refused, 1) << policy::format_report(*report, true);
  EXPECT_FALSE(exists(m_workspace + "/big.bin"));
  EXPECT_TRUE(exists(m_workspace + "/small.txt"));
  ASSERT_FALSE(report->quarantine.empty());
  std::string kept = report->quarantine + "/big.bin";
  struct stat st{};
  ASSERT_EQ(stat(kept.c_str(), &st), 0);
  EXPECT_EQ(static_cast<std::uint64_t>(st.st_size), k_gib);
  EXPECT_LT(allocated(kept), 1u << 20) << "the quarantine holds a dense copy";
  EXPECT_NE(policy::format_report(*report, false).find("big.bin: write set exceeds the size limit"),
            std::string::npos)
      << policy::format_report(*report, false);
  remove_tree(m_upper + ".q");
}

TEST_F(UpperWriterTest, HolePastTheEndBreaksTheStream) {
  UpperWriter w(m_upper, 0);
  ASSERT_TRUE(w.begin(change(proto::Change::Kind::file, "f", 10)).ok());
  ASSERT_TRUE(w.data("0123").ok());
  EXPECT_FALSE(w.hole(7).ok());
}

TEST_F(UpperWriterTest, UnsentEntriesAreRefusedByNameAndAFileJustSentIsDropped) {
  UpperWriter w(m_upper, 0);
  ASSERT_TRUE(w.begin(change(proto::Change::Kind::file, "partial", 6)).ok());
  ASSERT_TRUE(w.data("abc").ok());
  ASSERT_TRUE(w.hole(3).ok());
  ASSERT_TRUE(w.unsent({"partial", "cannot read it in the guest: Input/output error"}).ok());
  ASSERT_TRUE(w.unsent({"pipe", "a fifo is not brought back from the guest"}).ok());
  ASSERT_TRUE(w.begin(change(proto::Change::Kind::file, "whole", 2)).ok());
  ASSERT_TRUE(w.data("ok").ok());
  ASSERT_TRUE(w.finish().ok());
  EXPECT_FALSE(exists(m_upper + "/partial")) << "a file the guest could not read was kept";
  EXPECT_TRUE(exists(m_upper + "/whole"));
  ASSERT_EQ(w.refused().size(), 2u);
  EXPECT_EQ(w.refused()[0].path, "partial");
  EXPECT_NE(w.refused()[0].reason.find("Input/output error"), std::string::npos);
  EXPECT_EQ(w.refused()[1].path, "pipe");
  // An unsent frame in the middle of a file, or with an unsafe path, is a broken stream.
  UpperWriter w2(m_upper, 0);
  ASSERT_TRUE(w2.begin(change(proto::Change::Kind::file, "mid", 4)).ok());
  EXPECT_FALSE(w2.unsent({"mid", "x"}).ok());
  UpperWriter w3(m_upper, 0);
  EXPECT_FALSE(w3.unsent({"../out", "x"}).ok());
}

TEST_F(UpperWriterTest, DataPastTheLimitDropsOnlyThatFile) {
  UpperWriter w(m_upper, 5);
  ASSERT_TRUE(w.begin(change(proto::Change::Kind::file, "a", 3)).ok());
  ASSERT_TRUE(w.data("aaa").ok());
  ASSERT_TRUE(w.begin(change(proto::Change::Kind::file, "b", 4)).ok());
  ASSERT_TRUE(w.data("bb").ok());
  ASSERT_TRUE(w.data("bb").ok());
  ASSERT_TRUE(w.begin(change(proto::Change::Kind::file, "c", 2)).ok());
  ASSERT_TRUE(w.data("cc").ok());
  ASSERT_TRUE(w.finish().ok());
  EXPECT_TRUE(exists(m_upper + "/a"));
  EXPECT_FALSE(exists(m_upper + "/b")) << "a file past the limit was kept in part";
  EXPECT_TRUE(exists(m_upper + "/c"));
  ASSERT_EQ(w.refused().size(), 1u);
  EXPECT_EQ(w.refused()[0].path, "b");
  EXPECT_LE(w.data_bytes(), 5u);
}

}  // namespace
}  // namespace vg::sandbox::microvm
