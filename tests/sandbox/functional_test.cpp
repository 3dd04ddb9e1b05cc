// Functional runs in the namespace sandbox: a realistic `npm test`, git on
// the overlay, an interactive pty session, exit codes and signals, the
// dry run and a concurrent host edit.
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>

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
  EXPECT_EQ(s.finish(), 0);
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

}  // namespace
}  // namespace vg::test
