#include "cache/policy.hpp"

#include <gtest/gtest.h>

namespace vg::cache {
namespace {

using S = config::CacheStrategy;

TEST(Policy, CleanTracedRunIsStored) {
  RunFacts f;
  f.traced = true;
  for (S s : {S::smart, S::aggressive, S::conservative}) EXPECT_TRUE(decide(f, s).store);
}

TEST(Policy, AnIncompleteTraceIsStoredOnlyUnderAggressive) {
  RunFacts f;
  f.untraced_reason = "could not resolve /a/../b";
  for (S s : {S::smart, S::conservative}) {
    auto d = decide(f, s);
    EXPECT_FALSE(d.store);
    EXPECT_EQ(d.reason, "untraced");
    EXPECT_EQ(d.detail, f.untraced_reason) << "vg cache stats and the audit say why";
  }
  EXPECT_TRUE(decide(f, S::aggressive).store);
  Entry e;
  e.untraced = f.untraced_reason;
  EXPECT_FALSE(replayable(e, S::smart)) << "an entry keyed on the workspace alone";
  EXPECT_NE(not_replayable_reason(e, S::smart).find(f.untraced_reason), std::string::npos);
  EXPECT_TRUE(replayable(e, S::aggressive));
}

TEST(Policy, RandomnessIsStoredOnlyFromKnownDeterministicToolsUnderSmart) {
  RunFacts f;
  f.traced = true;
  f.entropy = "getrandom";
  EXPECT_EQ(decide(f, S::smart).reason, "entropy");
  EXPECT_TRUE(decide(f, S::aggressive).store);
  f.deterministic_tool = "gcc";
  EXPECT_TRUE(decide(f, S::smart).store);
}

TEST(Policy, KnownDeterministicTools) {
  EXPECT_EQ(find_deterministic_tool({"gcc", "-c", "a.c"}), "gcc");
  EXPECT_EQ(find_deterministic_tool({"/usr/bin/make", "-j4"}), "make");
  EXPECT_EQ(find_deterministic_tool({"npm", "test"}), "npm test");
  EXPECT_EQ(find_deterministic_tool({"npm", "run", "test"}), "npm test");
  EXPECT_EQ(find_deterministic_tool({"npx", "tsc", "--noEmit"}), "tsc");
  EXPECT_EQ(find_deterministic_tool({"node", "--test"}), "node --test");
  EXPECT_EQ(find_deterministic_tool({"python3", "-m", "pytest", "-q"}), "python -m pytest");
  EXPECT_EQ(find_deterministic_tool({"/bin/sh", "-c", "CC=gcc make all && echo done"}), "make");
  EXPECT_EQ(find_deterministic_tool({"python3", "-c", "import random"}), "");
  EXPECT_EQ(find_deterministic_tool({"node", "-e", "Math.random()"}), "");
  EXPECT_EQ(find_deterministic_tool({"npm", "install"}), "");
  EXPECT_EQ(find_deterministic_tool({"cat", "f"}), "");
  EXPECT_EQ(find_nondeterministic_executed({"sh", "make", "date"}), "date");
  EXPECT_EQ(find_nondeterministic_executed({"sh", "cc1"}), "");
}

TEST(Policy, NeverStoredWhateverTheStrategy) {
  auto check = [](auto mutate, const char* reason) {
    for (S s : {S::smart, S::aggressive, S::conservative}) {
      RunFacts f;
      f.traced = true;
      mutate(f);
      auto d = decide(f, s);
      EXPECT_FALSE(d.store) << reason;
      EXPECT_EQ(d.reason, reason);
    }
  };
  check([](RunFacts& f) { f.signaled = true; }, "killed");
  check([](RunFacts& f) { f.timed_out = true; }, "timed_out");
  check([](RunFacts& f) { f.read_terminal = true; }, "terminal");
  check([](RunFacts& f) { f.left_processes = true; }, "left_processes");
  check([](RunFacts& f) { f.wrote_outside = true; }, "wrote_outside");
  check([](RunFacts& f) { f.inputs_changed = true; }, "input_changed");
  check([](RunFacts& f) { f.nondeterministic = "date"; }, "nondeterministic");
}

TEST(Policy, NetworkAndSelfEditsOnlyUnderAggressive) {
  RunFacts net;
  net.traced = true;
  net.used_network = true;
  EXPECT_FALSE(decide(net, S::smart).store);
  EXPECT_EQ(decide(net, S::smart).reason, "network");
  EXPECT_TRUE(decide(net, S::aggressive).store);
  RunFacts possible;
  possible.traced = true;
  possible.network_possible = true;
  EXPECT_FALSE(decide(possible, S::smart).store);
  RunFacts edit;
  edit.traced = true;
  edit.modified_inputs = true;
  EXPECT_TRUE(decide(edit, S::smart).store) << "keyed on its inputs before it: a rewritten .ninja_log is an output";
  EXPECT_EQ(decide(edit, S::conservative).reason, "modified_input");
  EXPECT_TRUE(decide(edit, S::aggressive).store);
}

TEST(Policy, FailedRunsReplayOnlyUnderAggressive) {
  Entry e;
  e.exit_code = 2;
  EXPECT_FALSE(replayable(e, S::smart));
  EXPECT_TRUE(replayable(e, S::aggressive));
  e.exit_code = 0;
  EXPECT_FALSE(replayable(e, S::smart)) << "no traced inputs: keyed on the workspace alone";
  e.traced = {{"/w/a", InputUse::read, "f644:x", false, {}}};
  EXPECT_TRUE(replayable(e, S::smart));
}

TEST(Policy, NonDeterministicCommands) {
  EXPECT_EQ(find_nondeterministic({"date"}, {}), "date");
  EXPECT_EQ(find_nondeterministic({"/usr/bin/uuidgen"}, {}), "uuidgen");
  EXPECT_EQ(find_nondeterministic({"/bin/sh", "-c", "echo $(date +%s) > x"}, {}), "date");
  EXPECT_EQ(find_nondeterministic({"bash", "-ec", "f=$(mktemp); echo ok"}, {}), "mktemp");
  EXPECT_EQ(find_nondeterministic({"make"}, {"make", "shuf"}), "shuf");
  EXPECT_EQ(find_nondeterministic({"head", "-c", "16", "/dev/urandom"}, {}), "random source");
  EXPECT_EQ(find_nondeterministic({"make", "test"}, {"make"}), "");
  EXPECT_EQ(find_nondeterministic({"/bin/sh", "-c", "updated=1; echo dated"}, {}), "");
}

}  // namespace
}  // namespace vg::cache
