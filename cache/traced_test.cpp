#include "cache/traced.hpp"

#include <gtest/gtest.h>
#include <fcntl.h>
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

TEST_F(Traced, AWrittenPathIsWhetherItExistsAndTheModeItKeeps) {
  EXPECT_EQ(state("out.txt", InputUse::written), "w");
  write_text(m_dir.path() + "/out.txt", "old output");
  chmod((m_dir.path() + "/out.txt").c_str(), 0644);
  std::string existing = state("out.txt", InputUse::written);
  EXPECT_NE(existing, "w");
  write_text(m_dir.path() + "/out.txt", "other old output");
  EXPECT_EQ(state("out.txt", InputUse::written), existing) << "truncated before use: its content does not matter";
  chmod((m_dir.path() + "/out.txt").c_str(), 0600);
  EXPECT_NE(state("out.txt", InputUse::written), existing) << "a rewritten file keeps its mode: a replay must not reset it";
}

TEST_F(Traced, EveryPermissionBitIsPartOfAFilesState) {
  write_text(m_dir.path() + "/a.txt", "one");
  for (InputUse use : {InputUse::read, InputUse::probed}) {
    chmod((m_dir.path() + "/a.txt").c_str(), 0644);
    std::string readable = state("a.txt", use);
    chmod((m_dir.path() + "/a.txt").c_str(), 0600);
    EXPECT_NE(state("a.txt", use), readable) << "ls -l, test -r and a reader as another user see it";
    chmod((m_dir.path() + "/a.txt").c_str(), 0644);
    EXPECT_EQ(state("a.txt", use), readable);
  }
  mkdir((m_dir.path() + "/d").c_str(), 0755);
  std::string dir = state("d", InputUse::probed);
  chmod((m_dir.path() + "/d").c_str(), 0700);
  EXPECT_NE(state("d", InputUse::probed), dir);
}

TEST_F(Traced, AStatedFileIsAlsoItsModificationTime) {
  std::string path = m_dir.path() + "/a.c";
  write_text(path, "int x;");
  timespec old_times[2] = {{1'000'000, 0}, {1'000'000, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), old_times, 0), 0);
  std::string read = state("a.c", InputUse::read), stated = state("a.c", InputUse::stated);
  std::string stated_link = state("a.c", InputUse::stated_link), read_stated = state("a.c", InputUse::read_stated);
  timespec new_times[2] = {{2'000'000, 0}, {2'000'000, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), new_times, 0), 0);  // touch: the content is the same
  EXPECT_EQ(state("a.c", InputUse::read), read) << "a reader that did not stat it by name";
  EXPECT_NE(state("a.c", InputUse::stated), stated) << "make, ls -t, find -newer see the time";
  EXPECT_NE(state("a.c", InputUse::stated_link), stated_link);
  EXPECT_NE(state("a.c", InputUse::read_stated), read_stated);
}

TEST(TracedUse, AStatByNameMakesTheUseItsStatedForm) {
  auto used = with_stats({{"/a", InputUse::probed}, {"/b", InputUse::read}, {"/c", InputUse::probed_link},
                          {"/d", InputUse::written}, {"/e", InputUse::read}},
                         {"/a", "/b", "/c", "/d"});
  EXPECT_EQ(used[0].second, InputUse::stated);
  EXPECT_EQ(used[1].second, InputUse::read_stated);
  EXPECT_EQ(used[2].second, InputUse::stated_link);
  EXPECT_EQ(used[3].second, InputUse::written) << "truncated first: nothing of it was seen";
  EXPECT_EQ(used[4].second, InputUse::read) << "not stat-ed";
}

TEST_F(Traced, AStatedFileTheRunChangedTakesItsTimeFromBefore) {
  std::string path = m_dir.path() + "/old.txt";
  write_text(path, "old");
  StatCache stats;
  auto before = walk_tree({m_dir.path(), {}, 1000, 1}, stats);
  ASSERT_TRUE(before);
  std::string stated_before = state("old.txt", InputUse::stated_link);
  BeforeTimes times = times_before_run(m_dir.path(), {"old.txt"}, stats);
  unlink(path.c_str());  // rm stat-ed it, then deleted it
  std::vector<std::pair<std::string, InputUse>> used = {{path, InputUse::stated_link}};
  auto with = states_before(used, m_scope, *before, {"old.txt"}, m_stats, times);
  ASSERT_TRUE(with);
  EXPECT_EQ((*with)[0].state, stated_before);
  auto without = states_before(used, m_scope, *before, {"old.txt"}, m_stats);
  ASSERT_TRUE(without);
  EXPECT_NE((*without)[0].state, stated_before) << "no time known: never matches";
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
