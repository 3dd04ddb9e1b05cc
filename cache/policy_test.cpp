#include "cache/policy.hpp"

#include <gtest/gtest.h>

namespace vg::cache {
namespace {

using S = config::CacheStrategy;

TEST(Policy, CleanRunIsStored) {
  RunFacts f;
  EXPECT_TRUE(decide(f, S::smart).store);
  EXPECT_TRUE(decide(f, S::aggressive).store);
  EXPECT_FALSE(decide(f, S::conservative).store) << "conservative needs traced inputs";
  f.traced = true;
  EXPECT_TRUE(decide(f, S::conservative).store);
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
  net.used_network = true;
  EXPECT_FALSE(decide(net, S::smart).store);
  EXPECT_EQ(decide(net, S::smart).reason, "network");
  EXPECT_TRUE(decide(net, S::aggressive).store);
  RunFacts possible;
  possible.network_possible = true;
  EXPECT_FALSE(decide(possible, S::smart).store);
  RunFacts edit;
  edit.modified_inputs = true;
  EXPECT_EQ(decide(edit, S::smart).reason, "modified_input");
  EXPECT_TRUE(decide(edit, S::aggressive).store);
}

TEST(Policy, FailedRunsReplayOnlyUnderAggressive) {
  Entry e;
  e.exit_code = 2;
  EXPECT_FALSE(replayable(e, S::smart));
  EXPECT_TRUE(replayable(e, S::aggressive));
  e.exit_code = 0;
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
