// Functional runs in the namespace sandbox: a realistic `npm test`, git on
// the overlay, an interactive pty session, exit codes and signals, the
// dry run and a concurrent host edit.
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>

#include "config/exit_codes.hpp"
#include "tests/sandbox/suite.hpp"

namespace vg::test {
namespace {

namespace fs = std::filesystem;

class Functional : public SandboxTest {};

TEST_F(Functional, NpmTestWritesCoverageIntoTheWorkspace) {
  fs::copy(VG_SANDBOX_FIXTURES "/node-project", ws, fs::copy_options::recursive);
  Ran r = sandbox({"/bin/sh", "-c", "npm test"}, {}, {"npm_config_update_notifier=false", "npm_config_fund=false"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("# pass 2"), std::string::npos) << r.out;
  std::string cov = read_file(ws + "/coverage/coverage.json");
  EXPECT_NE(cov.find("\"percent\":100"), std::string::npos) << cov;
  EXPECT_NE(outcome().find("change ok created coverage/coverage.json"), std::string::npos) << outcome();
  // npm's cache went to the sandbox's fresh home, not the host's.
  EXPECT_FALSE(exists(home + "/.npm"));
}

TEST_F(Functional, GitStatusWorksOnTheOverlay) {
  std::string git = "git -c user.name=t -c user.email=t@example.invalid -c init.defaultBranch=main";
  Ran init = run({"/bin/sh", "-c", "cd '" + ws + "' && " + git + " init -q && echo one > tracked.txt && " + git +
                                       " add tracked.txt && " + git + " commit -qm init"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  Ran r = sandbox({"/bin/sh", "-c", "echo two > tracked.txt && echo new > untracked.txt && git status --porcelain"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(" M tracked.txt"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("?? untracked.txt"), std::string::npos) << r.out;
  EXPECT_EQ(read_file(ws + "/tracked.txt"), "two\n");
  Ran host = run({"/usr/bin/git", "-C", ws, "status", "--porcelain"});
  EXPECT_NE(host.out.find(" M tracked.txt"), std::string::npos) << host.out << host.err;
}

TEST_F(Functional, InteractivePtySessionWorks) {
  Pty pty(driver({}, {"/bin/sh", "-c", "test -t 0 && test -t 1 && echo on-a-tty; printf 'name? '; read n; echo \"hello $n\""}),
          base_env());
  ASSERT_TRUE(pty.wait_for("name? ")) << pty.output();
  EXPECT_NE(pty.output().find("on-a-tty"), std::string::npos) << pty.output();
  pty.send("vg\n");
  ASSERT_TRUE(pty.wait_for("hello vg")) << pty.output();
  EXPECT_EQ(pty.finish(), 0) << pty.output();
}

TEST_F(Functional, CtrlCReachesTheCommand) {
  Pty pty(driver({}, {"/bin/sh", "-c", "echo ready; exec sleep 30"}), base_env());
  ASSERT_TRUE(pty.wait_for("ready")) << pty.output();
  usleep(100000);  // let sh exec sleep
  pty.send("\x03");
  EXPECT_EQ(pty.finish(20), 128 + SIGINT) << pty.output();
}

TEST_F(Functional, ExitCodesAndSignalsPassThrough) {
  EXPECT_EQ(sandbox({"/bin/sh", "-c", "exit 7"}).exit_code, 7);
  EXPECT_EQ(sandbox({"/bin/sh", "-c", "kill -TERM $$"}).exit_code, 128 + SIGTERM);
  Ran missing = sandbox({"vg-no-such-command"});
  EXPECT_EQ(missing.exit_code, 127);
  EXPECT_NE(missing.err.find("vg-no-such-command: command not found"), std::string::npos) << missing.err;
}

TEST_F(Functional, SignalSentToTheLauncherReachesTheCommand) {
  Session s(driver({}, {"/bin/sh", "-c", "trap 'echo got-term; exit 3' TERM; echo ready; while :; do sleep 0.05; done"}),
            base_env());
  ASSERT_TRUE(s.wait_for("ready")) << s.output();
  // kill(1) the launcher, as `timeout` would.
  ASSERT_GT(s.pid(), 0);
  kill(s.pid(), SIGTERM);
  EXPECT_EQ(s.finish(), 3) << s.output();
  EXPECT_NE(s.output().find("got-term"), std::string::npos);
}

TEST_F(Functional, WorksFromAMultithreadedCaller) {
  // Another thread keeps calling malloc while the sandbox starts.
  for (int i = 0; i < 5; ++i) {
    Ran r = sandbox({"/bin/sh", "-c", "echo " + std::to_string(i) + " > t.txt; exit 5"}, {"--with-thread", "--pids", "64"});
    ASSERT_EQ(r.exit_code, 5) << r.err;
    EXPECT_EQ(read_file(ws + "/t.txt"), std::to_string(i) + "\n");
  }
}

TEST_F(Functional, DryRunShowsTheChangesAndAppliesNothing) {
  write_file(ws + "/keep.txt", "host\n");
  Ran r = sandbox({"/bin/sh", "-c", "echo out > new.txt; rm keep.txt"}, {"--dry-run-writes"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(exists(ws + "/new.txt"));
  EXPECT_EQ(read_file(ws + "/keep.txt"), "host\n");
  EXPECT_NE(r.err.find("created new.txt"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("deleted keep.txt"), std::string::npos) << r.err;
}

TEST_F(Functional, HostEditDuringTheRunIsAConflictNotOverwritten) {
  write_file(ws + "/shared.txt", "before\n");
  Session s(driver({}, {"/bin/sh", "-c", "echo sandbox > shared.txt; echo ready; read x"}), base_env());
  ASSERT_TRUE(s.wait_for("ready")) << s.output();
  write_file(ws + "/shared.txt", "host edit\n");
  s.send("go\n");
  EXPECT_EQ(s.finish(), vg::exit_code::k_kept_aside);  // the sandbox's version is kept aside
  EXPECT_EQ(read_file(ws + "/shared.txt"), "host edit\n");
  std::string o = outcome();
  EXPECT_NE(o.find("change conflict modified shared.txt"), std::string::npos) << o;
  auto q = o.substr(o.find("quarantine ") + 11);
  q = q.substr(0, q.find('\n'));
  EXPECT_EQ(read_file(q + "/shared.txt"), "sandbox\n");
}

TEST_F(Functional, ExcludedPathsAreHiddenAndNeverWritten) {
  write_file(ws + "/secrets/token", "FAKE-TOKEN\n");
  write_file(ws + "/keys/server.pem", "FAKE-PEM\n");
  Ran r = sandbox({"/bin/sh", "-c", "cat secrets/token keys/server.pem; ls secrets | wc -l; echo x > notes.txt"},
                  {"--exclude", "secrets", "--exclude", "*.pem"});
  EXPECT_EQ(r.out.find("FAKE"), std::string::npos) << r.out;
  EXPECT_EQ(read_file(ws + "/notes.txt"), "x\n");
  EXPECT_EQ(read_file(ws + "/secrets/token"), "FAKE-TOKEN\n");
}

// resources.timeout: SIGTERM to every process of the sandbox, SIGKILL after
// the grace, exit 124, and nothing left running on the host.
class Timeout : public SandboxTest {
 protected:
  // Run `script` with a 1 s limit; expect it ended by the limit, well
  // before its own sleeps would have, with no process left.
  Ran timed_out(const std::string& script, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> opts = {"--timeout", "1"};
    opts.insert(opts.end(), extra.begin(), extra.end());
    auto begun = std::chrono::steady_clock::now();
    Ran r = sandbox({"/bin/sh", "-c", script}, opts);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - begun).count();
    EXPECT_LT(s, 10.0) << "the time limit did not end the run";
    EXPECT_EQ(r.exit_code, 124) << r.out << r.err;
    EXPECT_NE(r.err.find("vg: sandbox: timed out after 1s (resources.timeout); killed\n"), std::string::npos) << r.err;
    EXPECT_NE(outcome().find("\ntimed_out\n"), std::string::npos) << outcome();
    return r;
  }
  std::string sleep_arg = "30." + unique_word();  // a marker for the leftover check
};

TEST_F(Functional, BackgroundProcessesAreGoneBeforeTheCommit) {
  // The command exits at once; its background children keep writing. vg
  // commits as soon as init reports the code, so init must have killed and
  // reaped them all first: no write may land after the commit, none may be
  // left running, and the exit code is the command's.
  std::string marker = "30." + unique_word();
  Ran r = sandbox({"/bin/sh", "-c",
                   "(while :; do echo more >> busy.txt; done) & (sleep 0.3; echo late > late.txt) & "
                   "sleep " + marker + " & exit 3"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  std::string committed = read_file(ws + "/busy.txt");
  usleep(600 * 1000);
  EXPECT_FALSE(exists(ws + "/late.txt")) << "a background write landed after the run";
  EXPECT_EQ(read_file(ws + "/busy.txt"), committed) << "the workspace changed after the commit";
  EXPECT_TRUE(processes_with_arg(marker).empty()) << "a sandboxed process outlived the run";
}

TEST_F(Timeout, SleepIsEndedAndNothingIsLeftBehind) {
  // A background child too: the whole pid namespace must go.
  Ran r = timed_out("sleep " + sleep_arg + " & sleep " + sleep_arg + "; echo never");
  EXPECT_EQ(r.out.find("never"), std::string::npos);
  EXPECT_TRUE(processes_with_arg(sleep_arg).empty()) << "a sandboxed sleep outlived the time limit";
}

TEST_F(Timeout, EveryProcessGetsSigtermFirst) {
  // Both a background process and the command see SIGTERM and can clean up.
  Ran r = timed_out("(trap 'echo bg-term; exit 0' TERM; sleep " + sleep_arg + " & wait) & "
                    "trap 'echo fg-term; wait; exit 0' TERM; sleep " + sleep_arg + " & wait");
  EXPECT_NE(r.out.find("fg-term"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bg-term"), std::string::npos) << r.out;
  EXPECT_TRUE(processes_with_arg(sleep_arg).empty());
}

TEST_F(Timeout, SigtermIgnoredStillEndsWithSigkill) {
  // SIG_IGN is inherited: neither sh nor its sleeps can be ended by SIGTERM.
  timed_out("trap '' TERM; sleep " + sleep_arg + " & sleep " + sleep_arg);
  EXPECT_TRUE(processes_with_arg(sleep_arg).empty()) << "a sandboxed sleep outlived the SIGKILL";
}

TEST_F(Timeout, WorksFromAMultithreadedCaller) {
  // There the sandbox's init is a grandchild: killing the intermediate must take it along.
  timed_out("trap '' TERM; sleep " + sleep_arg, {"--with-thread"});
  EXPECT_TRUE(processes_with_arg(sleep_arg).empty());
}

TEST_F(Timeout, AQuickCommandIsUntouched) {
  Ran r = sandbox({"/bin/sh", "-c", "echo done; exit 3"}, {"--timeout", "30"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(r.out, "done\n");
  EXPECT_EQ(r.err.find("timed out"), std::string::npos) << r.err;
  EXPECT_EQ(outcome().find("timed_out"), std::string::npos) << outcome();
}

}  // namespace
}  // namespace vg::test
