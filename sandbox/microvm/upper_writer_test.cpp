// The write set from the guest is untrusted: forged entries must never
// write outside the host upper directory, and the policy engine refuses
// symlinks that climb out of the workspace.
#include "sandbox/microvm/upper_writer.hpp"

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

}  // namespace
}  // namespace vg::sandbox::microvm
