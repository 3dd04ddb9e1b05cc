#include "cache/traced.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache/codec.hpp"
#include "cache/entry.hpp"
#include "cache/test_util.hpp"

namespace vg::cache {
namespace {

using namespace vg::cache::testing;

class Traced : public ::testing::Test {
 protected:
  std::string state(const std::string& rel, InputUse use) {
    InputStates s(m_scope, m_stats);  // fresh: no memory of earlier answers
    return s.now(m_dir.path() + "/" + rel, use);
  }
  TempDir m_dir;
  InputScope m_scope{m_dir.path(), {"secret.key"}};
  StatCache m_stats;
};

TEST_F(Traced, AFileIsItsContentAndExecBit) {
  write_text(m_dir.path() + "/a.txt", "one");
  std::string s1 = state("a.txt", InputUse::read);
  EXPECT_EQ(s1[0], 'f');
  write_text(m_dir.path() + "/a.txt", "two");
  EXPECT_NE(state("a.txt", InputUse::read), s1);
  write_text(m_dir.path() + "/a.txt", "one");
  EXPECT_EQ(state("a.txt", InputUse::read), s1);
  chmod((m_dir.path() + "/a.txt").c_str(), 0755);
  EXPECT_NE(state("a.txt", InputUse::read), s1);
}

TEST_F(Traced, AbsenceIsAState) {
  EXPECT_EQ(state("missing.cfg", InputUse::probed), "-");
  EXPECT_EQ(state("no/such/dir/file", InputUse::read), "-");
  write_text(m_dir.path() + "/missing.cfg", "x");
  EXPECT_NE(state("missing.cfg", InputUse::probed), "-");
}

TEST_F(Traced, AWrittenPathOnlyCaresWhetherItCanBeWritten) {
  EXPECT_EQ(state("out.txt", InputUse::written), "w");
  write_text(m_dir.path() + "/out.txt", "old output");
  EXPECT_EQ(state("out.txt", InputUse::written), "w") << "truncated before use: its content does not matter";
  chmod((m_dir.path() + "/out.txt").c_str(), 0444);
  EXPECT_EQ(state("out.txt", InputUse::written), "r");
}

TEST_F(Traced, AListedDirectoryIsItsNamesAProbedOneOnlyItsKind) {
  mkdir((m_dir.path() + "/src").c_str(), 0755);
  write_text(m_dir.path() + "/src/a.c", "");
  std::string listed = state("src", InputUse::read), probed = state("src", InputUse::probed);
  write_text(m_dir.path() + "/src/a.c", "content changes do not change the names");
  EXPECT_EQ(state("src", InputUse::read), listed);
  write_text(m_dir.path() + "/src/secret.key", "hidden in the sandbox");
  EXPECT_EQ(state("src", InputUse::read), listed) << "an excluded name is not seen by the run";
  write_text(m_dir.path() + "/src/b.c", "");
  EXPECT_NE(state("src", InputUse::read), listed);
  EXPECT_EQ(state("src", InputUse::probed), probed);
}

TEST_F(Traced, LinksOnTheWayArePartOfTheState) {
  write_text(m_dir.path() + "/one.txt", "same");
  write_text(m_dir.path() + "/two.txt", "same");
  symlink("one.txt", (m_dir.path() + "/cur").c_str());
  mkdir((m_dir.path() + "/d1").c_str(), 0755);
  write_text(m_dir.path() + "/d1/f", "x");
  symlink("d1", (m_dir.path() + "/dl").c_str());
  std::string through = state("cur", InputUse::read), via_dir = state("dl/f", InputUse::read);
  std::string link_only = state("cur", InputUse::probed_link);
  unlink((m_dir.path() + "/cur").c_str());
  symlink("two.txt", (m_dir.path() + "/cur").c_str());
  EXPECT_NE(state("cur", InputUse::read), through) << "same content, but another file";
  EXPECT_NE(state("cur", InputUse::probed_link), link_only);
  EXPECT_NE(via_dir.find("l:" + m_dir.path() + "/dl=d1;"), std::string::npos) << via_dir;
  symlink("loop2", (m_dir.path() + "/loop1").c_str());
  symlink("loop1", (m_dir.path() + "/loop2").c_str());
  EXPECT_NE(state("loop1", InputUse::read).find("loop"), std::string::npos) << "a link loop ends";
}

TEST_F(Traced, PathsTheRunChangedTakeTheirStateFromBefore) {
  write_text(m_dir.path() + "/in.txt", "input");
  mkdir((m_dir.path() + "/out").c_str(), 0755);
  StatCache stats;
  auto before = walk_tree({m_dir.path(), {}, 1000, 1}, stats);
  ASSERT_TRUE(before);
  std::string listed_before = state("out", InputUse::read);
  std::string in_before = state("in.txt", InputUse::read);
  // The run read in.txt, then rewrote it; created out/new; looked for gone.cfg.
  write_text(m_dir.path() + "/in.txt", "rewritten by the run");
  write_text(m_dir.path() + "/out/new", "made by the run");
  std::vector<std::pair<std::string, InputUse>> used = {{m_dir.path() + "/gone.cfg", InputUse::probed},
                                                        {m_dir.path() + "/in.txt", InputUse::read},
                                                        {m_dir.path() + "/out", InputUse::read}};
  auto states = states_before(used, m_scope, *before, {"in.txt", "out/new"}, m_stats);
  ASSERT_TRUE(states) << states.error().message;
  ASSERT_EQ(states->size(), 3u);
  EXPECT_EQ((*states)[0].state, "-");
  EXPECT_EQ((*states)[1].state, in_before);
  EXPECT_EQ((*states)[2].state, listed_before) << "the listing before the run made out/new";
}

TEST_F(Traced, KeysShareTheCommandPrefixAndRoundTrip) {
  Ingredients g;
  g.argv = {"cat", "in.txt"};
  std::vector<TracedInput> a = {{"/w/in.txt", InputUse::read, "f-abc", false, {}}};
  std::vector<TracedInput> b = {{"/w/in.txt", InputUse::read, "f-def", false, {}}};
  EXPECT_EQ(traced_key(g, a).substr(0, 32), command_prefix(g));
  EXPECT_NE(traced_key(g, a), traced_key(g, b));
  EXPECT_EQ(traced_key(g, a).size(), 64u);
  Writer w;
  encode_inputs(w, a);
  Reader r(w.data());
  std::vector<TracedInput> back;
  ASSERT_TRUE(decode_inputs(r, back));
  EXPECT_EQ(back, a);
  // A carried stat record survives the round trip.
  a[0].has_record = true;
  a[0].record = StatRecord{FileStat{12, -5, 7, 99, 3, 0100644}, "abc", 1234};
  Writer w2;
  encode_inputs(w2, a);
  Reader r2(w2.data());
  ASSERT_TRUE(decode_inputs(r2, back));
  ASSERT_TRUE(back[0].has_record);
  EXPECT_EQ(back[0].record.stat, a[0].record.stat);
  EXPECT_EQ(back[0].record.digest, "abc");
  EXPECT_EQ(back[0].record.hashed_at_ns, 1234);
  Entry e;
  e.key = "k";
  e.traced = a;
  Entry round;
  ASSERT_TRUE(Entry::decode(e.encode(), round));
  EXPECT_EQ(round.traced, a);
}

}  // namespace
}  // namespace vg::cache
