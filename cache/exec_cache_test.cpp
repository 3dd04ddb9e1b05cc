// The cache flow around a run, with a stand-in launcher that runs the
// command on the host in the test's own workspace (which is what a
// sandbox's committed write set amounts to).
#include "config/file_clock.hpp"
#include "cache/exec_cache.hpp"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cache/test_util.hpp"

namespace vg::cache {
namespace {

using testing::path_exists;
using testing::read_text;
using testing::TempDir;
using testing::write_text;

struct Flow {
  TempDir dir;
  std::vector<std::string> warnings;
  config::CacheStrategy strategy = config::CacheStrategy::smart;
  int runs = 0;
  // What the stand-in's trace reports: complete, the run read input.txt.
  bool traced = true;
  std::vector<std::pair<std::string, InputUse>> inputs;
  std::vector<std::string> executed;
  std::string entropy;
  std::string stdout_path;  // default: dir/stdout, outside the workspace

  Flow() {
    write_text(dir / "ws/input.txt", "input v1\n");
    inputs = {{dir / "ws/input.txt", InputUse::read}};
  }

  ExecRequest request(const std::string& script) {
    ExecRequest r;
    r.key.argv = {"/bin/sh", "-c", script};
    r.key.cwd = dir / "ws";
    r.key.workspace = dir / "ws";
    r.key.env = {"PATH=/usr/bin:/bin", "LANG=C"};
    r.strategy = strategy;
    return r;
  }
  StoreOptions store() {
    StoreOptions o;
    o.dir = dir / "cache";
    o.warn = [this](const std::string& m) { warnings.push_back(m); };
    return o;
  }
  // Run `script` through the cache with stdout/stderr going to files; return
  // (exit code, hit).
  std::pair<int, bool> exec(const std::string& script, std::vector<std::string> changed = {},
                            std::string* skipped = nullptr) {
    ExecCache cache(store(), request(script));
    int saved_out = ::dup(1), saved_err = ::dup(2);
    int out = ::open((stdout_path.empty() ? dir / "stdout" : stdout_path).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open((dir / "stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    ::dup2(err, 2);
    int code;
    auto hit = cache.try_replay();
    if (hit) {
      code = *hit;
    } else {
      code = cache.run_and_store([&] {
        ++runs;
        // As a sandbox does (run_and_store's contract): the command starts
        // once the coarse clock is past every file time given so far.
        wait_for_coarse_clock_past(latest_file_stamp());
        RunReport r;
        std::string cmd = "cd '" + (dir / "ws") + "' && " + script;
        int status = std::system(cmd.c_str());
        r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        r.changed_paths = changed;
        r.traced = traced;
        r.untraced_reason = traced ? "" : "the stand-in lost a path";
        if (traced) r.inputs = inputs;
        r.executed = executed;
        r.entropy = entropy;
        return r;
      });
    }
    std::fflush(stdout);
    ::dup2(saved_out, 1);
    ::dup2(saved_err, 2);
    for (int fd : {saved_out, saved_err, out, err}) ::close(fd);
    if (skipped) *skipped = cache.skipped_reason();
    return {code, cache.hit()};
  }
};

TEST(ExecCache, SecondRunIsReplayedWithOutputFilesAndExitCode) {
  Flow f;
  std::string script = "printf 'out1\\n'; printf 'err1\\n' >&2; mkdir -p gen; cp input.txt gen/copy.txt; "
                       "printf '\\001\\002\\377' > gen/bin; exit 0";
  auto [code1, hit1] = f.exec(script, {"gen"});
  EXPECT_EQ(code1, 0);
  EXPECT_FALSE(hit1);
  std::string out1 = read_text(f.dir / "stdout"), err1 = read_text(f.dir / "stderr");
  EXPECT_EQ(out1, "out1\n");
  EXPECT_EQ(err1, "err1\n");
  // Undo the run's writes: the replay must bring them back.
  ASSERT_EQ(std::system(("rm -rf '" + (f.dir / "ws/gen") + "'").c_str()), 0);
  auto [code2, hit2] = f.exec(script, {"gen"});
  EXPECT_TRUE(hit2);
  EXPECT_EQ(code2, 0);
  EXPECT_EQ(f.runs, 1) << "the second run is a replay";
  EXPECT_EQ(read_text(f.dir / "stdout"), out1);
  EXPECT_EQ(read_text(f.dir / "stderr"), err1);
  EXPECT_EQ(read_text(f.dir / "ws/gen/copy.txt"), "input v1\n");
  EXPECT_EQ(read_text(f.dir / "ws/gen/bin"), "\001\002\377");
}

TEST(ExecCache, InputEditMisses) {
  Flow f;
  std::string script = "cat input.txt";
  f.exec(script);
  EXPECT_TRUE(f.exec(script).second);
  write_text(f.dir / "ws/input.txt", "input v2\n");
  auto [code, hit] = f.exec(script);
  EXPECT_FALSE(hit);
  EXPECT_EQ(read_text(f.dir / "stdout"), "input v2\n");
}

TEST(ExecCache, FailedRunIsStoredButReplayedOnlyWhenAggressive) {
  Flow f;
  std::string script = "echo failing; exit 3";
  EXPECT_EQ(f.exec(script).first, 3);
  auto [code, hit] = f.exec(script);
  EXPECT_EQ(code, 3);
  EXPECT_FALSE(hit);
  f.strategy = config::CacheStrategy::aggressive;
  auto [code3, hit3] = f.exec(script);
  EXPECT_EQ(code3, 3);
  EXPECT_TRUE(hit3);
}

TEST(ExecCache, SelfEditingRunIsKeyedOnItsInputBeforeIt) {
  Flow f;
  std::string skipped;
  std::string script = "cat input.txt; echo more >> input.txt";
  f.exec(script, {"input.txt"}, &skipped);
  EXPECT_EQ(skipped, "");
  EXPECT_EQ(read_text(f.dir / "ws/input.txt"), "input v1\nmore\n");
  EXPECT_FALSE(f.exec(script, {"input.txt"}).second) << "the input is not as it was before the first run";
  EXPECT_EQ(read_text(f.dir / "ws/input.txt"), "input v1\nmore\nmore\n");
  write_text(f.dir / "ws/input.txt", "input v1\n");
  EXPECT_TRUE(f.exec(script, {"input.txt"}).second);
  EXPECT_EQ(read_text(f.dir / "stdout"), "input v1\n");
  EXPECT_EQ(read_text(f.dir / "ws/input.txt"), "input v1\nmore\n") << "the replay leaves it as the run did";
  f.strategy = config::CacheStrategy::conservative;
  write_text(f.dir / "ws/input.txt", "input v2\n");
  f.exec(script, {"input.txt"}, &skipped);
  EXPECT_EQ(skipped, "modified_input");
}

TEST(ExecCache, InputChangedByAnotherProcessDuringTheRunIsNotStored) {
  Flow f;
  std::string skipped;
  // The run's report does not list input.txt: something else changed it.
  f.exec("cat input.txt; echo edited-elsewhere > input.txt", {}, &skipped);
  EXPECT_EQ(skipped, "input_changed");
}

TEST(ExecCache, AnInputEditedAndPutBackDuringTheRunIsNotStored) {
  Flow f;
  std::string skipped;
  // Another process makes input.txt B and then A again while the run reads
  // it: its content after the run is what it was, but the run read B.
  f.exec("cat input.txt; printf B > input.txt; printf 'input v1\\n' > input.txt", {}, &skipped);
  EXPECT_EQ(read_text(f.dir / "ws/input.txt"), "input v1\n");
  EXPECT_EQ(skipped, "input_changed");
}

TEST(ExecCache, KilledRunIsNotStored) {
  Flow f;
  std::string skipped;
  auto [code, hit] = f.exec("echo partial; kill -9 $$", {}, &skipped);
  EXPECT_EQ(code, 137);
  EXPECT_EQ(skipped, "killed");
  EXPECT_FALSE(f.exec("echo partial; kill -9 $$").second);
}

TEST(ExecCache, UntracedRunIsStoredAndReplayedOnlyWhenAggressive) {
  Flow f;
  f.traced = false;
  std::string skipped;
  f.exec("cat input.txt", {}, &skipped);
  EXPECT_EQ(skipped, "untraced") << "keyed on the workspace alone, it would replay over edits outside it";
  EXPECT_FALSE(f.exec("cat input.txt").second);
  f.strategy = config::CacheStrategy::aggressive;
  f.exec("cat input.txt");
  EXPECT_TRUE(f.exec("cat input.txt").second);
  f.strategy = config::CacheStrategy::smart;
  EXPECT_FALSE(f.exec("cat input.txt").second) << "an untraced entry stored under aggressive is not replayed under smart";
  Store store(f.store());
  auto entries = store.entries();
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].untraced, "the stand-in lost a path") << "vg cache show names the reason";
  EXPECT_NE(not_replayable_reason((*entries)[0], config::CacheStrategy::smart).find("the stand-in lost a path"),
            std::string::npos);
}

TEST(ExecCache, ARunThatExecutesADateLikeProgramOrOpensARandomDeviceIsNotStored) {
  Flow f;
  std::string skipped;
  f.executed = {"sh", "date"};
  f.exec("cat input.txt", {}, &skipped);
  EXPECT_EQ(skipped, "nondeterministic");
  f.executed.clear();
  f.entropy = "/proc/uptime";
  skipped.clear();
  f.exec("cat input.txt", {}, &skipped);
  EXPECT_EQ(skipped, "nondeterministic");
  f.strategy = config::CacheStrategy::aggressive;
  skipped.clear();
  f.exec("cat input.txt", {}, &skipped);
  EXPECT_EQ(skipped, "nondeterministic") << "whatever the strategy";
}

TEST(ExecCache, RandomnessIsStoredOnlyFromKnownDeterministicTools) {
  Flow f;
  f.entropy = "getrandom";
  std::string skipped;
  f.exec("cat input.txt", {}, &skipped);
  EXPECT_EQ(skipped, "entropy");
  skipped.clear();
  f.exec("make --version > /dev/null", {}, &skipped);
  EXPECT_EQ(skipped, "") << "make is on the list of deterministic tools";
  EXPECT_TRUE(f.exec("make --version > /dev/null").second);
}

TEST(ExecCache, OutputRedirectedIntoTheWorkspaceIsStoredAndReplayedThere) {
  Flow f;
  f.stdout_path = f.dir / "ws/build.log";  // vg exec -- cat input.txt > build.log
  std::string skipped;
  f.exec("cat input.txt", {}, &skipped);
  EXPECT_EQ(skipped, "") << "vg's own output file is not an input that changed";
  EXPECT_TRUE(f.exec("cat input.txt").second);
  EXPECT_EQ(read_text(f.dir / "ws/build.log"), "input v1\n");
  Store store(f.store());
  auto entries = store.entries();
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_TRUE((*entries)[0].files.empty()) << "the log is the transcript, not a file the run wrote";
}

TEST(ExecCache, ARunThatReadsTheFileItsOutputGoesToIsNotStored) {
  Flow f;
  std::string skipped;
  // Flow sends stdout to dir/stdout: the run (says its trace) read it.
  write_text(f.dir / "stdout", "");
  f.inputs.push_back({f.dir / "stdout", InputUse::read});
  f.exec("cat input.txt", {}, &skipped);
  EXPECT_EQ(skipped, "reads_output");
}

TEST(ExecCache, TheFirstOfManyStatesOfOneCommandStillHits) {
  Flow f;
  for (int i = 0; i < 40; ++i) {
    write_text(f.dir / "ws/input.txt", "v" + std::to_string(i) + "\n");
    f.exec("cat input.txt");
  }
  write_text(f.dir / "ws/input.txt", "v0\n");
  EXPECT_TRUE(f.exec("cat input.txt").second) << "every stored state is looked at, as vg cache why does";
  EXPECT_EQ(read_text(f.dir / "stdout"), "v0\n");
}

TEST(ExecCache, RefreshRunsAgainAndStores) {
  Flow f;
  write_text(f.dir / "ws/input.txt", "refreshed\n");
  ExecCache cache(f.store(), f.request("cat input.txt > /dev/null"));
  cache.set_refresh(true);
  EXPECT_FALSE(cache.try_replay());
  bool traced_run = false;
  cache.run_and_store([&] {
    traced_run = cache.recording();
    RunReport r;
    r.traced = true;
    r.inputs = f.inputs;
    return r;
  });
  EXPECT_TRUE(traced_run) << "a --refresh run is recorded (and traced)";
  EXPECT_EQ(cache.skipped_reason(), "");
  EXPECT_TRUE(f.exec("cat input.txt > /dev/null").second) << "and what it stored is replayed";
}

TEST(ExecCache, NonDeterministicCommandIsNeverLookedUp) {
  Flow f;
  std::string skipped;
  f.exec("date +%N", {}, &skipped);
  EXPECT_EQ(skipped, "nondeterministic");
  EXPECT_FALSE(f.exec("date +%N").second);
}

}  // namespace
}  // namespace vg::cache
