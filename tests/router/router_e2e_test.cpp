// End-to-end routing through the built binary: refusals that run nothing,
// the exit code table, the mock sandbox, fail-closed, ask, config errors.
//
// The commands classified here are chosen so that nothing harmful can run
// even if vg were broken: `mkfs.ext4 /dev/vg-e2e-none`, `redis-cli FLUSHALL` and
// `docker pull` resolve through PATH to fake programs in the test's own
// fakebin/ that only leave a marker, and the disk image does not exist.
#include <gtest/gtest.h>

#include <string>

#include "config/exit_codes.hpp"
#include "router/audit.hpp"
#include "tests/router/harness.hpp"

namespace vg::router::e2e {
namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// The last audit record (fails the test when there is none).
AuditRecord last_record(const Home& home) {
  auto read = parse_audit(home.audit_log(), home.read("state/vg/audit.jsonl"));
  EXPECT_TRUE(read.warnings.empty()) << read.warnings.front();
  if (read.records.empty()) {
    ADD_FAILURE() << "no audit record";
    return {};
  }
  return read.records.back();
}

std::string mock_config(const Home& home, const std::string& mode, const std::string& extra_sandbox = "",
                        const std::string& extra_mock = "") {
  // The result cache is not under test here: off, so every run reaches the launcher.
  return "sandbox:\n  mode: " + mode + "\n  runtime: mock\n  enable_cache: false\n" + extra_sandbox +
         "mock:\n  record_path: " +
         home.mock_record() + "\n" + extra_mock;
}

TEST(Refusal, CriticalCommandIsRefusedBeforeAnythingRunsInEveryMode) {
  Home home;
  home.fake_program("mkfs.ext4");
  home.config("sandbox:\n  mode: disabled\n  allow_host_override: true\n");
  for (const char* mode : {"always", "auto", "manual", "disabled"}) {
    SCOPED_TRACE(mode);
    auto r = vg(home, {"exec", "--mode", mode, "--shell", "touch MARKER; mkfs.ext4 /dev/vg-e2e-none"});
    EXPECT_EQ(r.exit_code, exit_code::k_refused) << r.err;
    EXPECT_TRUE(contains(r.err, "vg: refused: touch MARKER; mkfs.ext4 /dev/vg-e2e-none")) << r.err;
    EXPECT_TRUE(contains(r.err, "disk.mkfs")) << "the refusal names the rule: " << r.err;
    EXPECT_TRUE(contains(r.err, "vg: why: ")) << r.err;
    EXPECT_TRUE(contains(r.err, "vg: to proceed: ")) << r.err;
    EXPECT_TRUE(r.out.empty()) << "vg's words go to stderr";
    EXPECT_FALSE(home.exists("work/MARKER")) << "the refused script ran";
    EXPECT_FALSE(home.fake_ran("mkfs.ext4"));
    auto rec = last_record(home);
    EXPECT_EQ(rec.route, "refuse");
    EXPECT_EQ(rec.level, config::Level::critical);
    EXPECT_EQ(rec.exit_code, exit_code::k_refused);
  }
  // Neither --host nor the argv form gets past it.
  auto host = vg(home, {"exec", "--host", "--", "mkfs.ext4", "/dev/vg-e2e-none"});
  EXPECT_EQ(host.exit_code, exit_code::k_refused) << host.err;
  EXPECT_FALSE(home.fake_ran("mkfs.ext4"));
}

TEST(Refusal, TheMarkerWouldShowARunWhenTheUserLiftsTheRule) {
  // Proves the marker can appear: with block_critical off in disabled mode
  // the same (fake, harmless) command does run on the host.
  Home home;
  home.fake_program("mkfs.ext4");
  home.config("sandbox:\n  mode: disabled\n  block_critical: false\n");
  auto r = vg(home, {"exec", "--shell", "touch MARKER; mkfs.ext4 /dev/vg-e2e-none"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(home.exists("work/MARKER"));
  EXPECT_TRUE(home.fake_ran("mkfs.ext4"));
}

TEST(MockSandbox, SandboxRouteRecordsTheSpecAndRunsNothing) {
  Home home;
  home.config(mock_config(home, "always", "", "  exit_code: 7\n  stdout_text: \"mock out\\n\"\n  stderr_text: mock err\n"));
  auto r = vg(home, {"exec", "--dry-run-writes", "--shell", "touch MARKER"});
  EXPECT_EQ(r.exit_code, 7) << r.err;
  EXPECT_EQ(r.out, "mock out\n");
  EXPECT_TRUE(contains(r.err, "mock err")) << r.err;
  EXPECT_FALSE(home.exists("work/MARKER")) << "the mock runtime never executes";
  std::string record = home.read("mock-record.jsonl");
  EXPECT_EQ(std::count(record.begin(), record.end(), '\n'), 1) << record;
  EXPECT_TRUE(contains(record, R"("argv":["/bin/sh","-c","touch MARKER"])")) << record;
  EXPECT_TRUE(contains(record, R"("dry_run_writes":true)")) << record;
  EXPECT_TRUE(contains(record, R"("VG_ACTIVE")")) << record;
  auto rec = last_record(home);
  EXPECT_EQ(rec.route, "sandbox");
  EXPECT_EQ(rec.backend, "mock");
  EXPECT_EQ(rec.exit_code, 7);
  EXPECT_EQ(rec.command, "touch MARKER");
}

TEST(ExitCodes, FollowTheDocumentedTable) {
  Home home;
  home.config("sandbox:\n  mode: disabled\n");
  // The child's own code passes through on the host route.
  EXPECT_EQ(vg(home, {"exec", "--shell", "exit 3"}).exit_code, 3);
  // Refused by policy.
  home.fake_program("mkfs.ext4");
  EXPECT_EQ(vg(home, {"exec", "--", "mkfs.ext4", "/dev/vg-e2e-none"}).exit_code, exit_code::k_refused);
  // Usage.
  EXPECT_EQ(vg(home, {"exec", "--sandbox", "--host", "--", "true"}).exit_code, exit_code::k_usage);
  EXPECT_EQ(vg(home, {"exec", "--host", "--dry-run-writes", "--", "true"}).exit_code, exit_code::k_usage);
  // The sandbox could not start: 69, and the command did not run.
  home.config(mock_config(home, "always", "", "  fail_start: true\n"));
  auto down = vg(home, {"exec", "--shell", "touch MARKER"});
  EXPECT_EQ(down.exit_code, exit_code::k_sandbox_unavailable) << down.err;
  EXPECT_TRUE(contains(down.err, "could not start")) << down.err;
  EXPECT_FALSE(home.exists("work/MARKER")) << "fail closed: never the host";
  EXPECT_EQ(last_record(home).exit_code, exit_code::k_sandbox_unavailable);
  // Unless the config explicitly says fallback: host.
  home.config(mock_config(home, "always", "  fallback: host\n", "  fail_start: true\n"));
  auto fallback = vg(home, {"exec", "--shell", "touch MARKER"});
  EXPECT_EQ(fallback.exit_code, 0) << fallback.err;
  EXPECT_TRUE(contains(fallback.err, "sandbox.fallback is host")) << fallback.err;
  EXPECT_TRUE(home.exists("work/MARKER"));
  EXPECT_EQ(last_record(home).route, "host");
}

TEST(ExitCodes, BadModeOrThresholdIsAConfigErrorWithItsPosition) {
  Home home;
  home.config("sandbox:\n  mode: sometimes\n");
  auto mode = vg(home, {"exec", "--shell", "touch MARKER"});
  EXPECT_EQ(mode.exit_code, exit_code::k_config) << mode.err;
  EXPECT_TRUE(contains(mode.err, "config.yaml:2:")) << "names file:line:column: " << mode.err;
  EXPECT_TRUE(contains(mode.err, "sometimes")) << mode.err;
  home.config("sandbox:\n  mode: auto\n  risk_threshold:\n    medium: maybe\n");
  auto threshold = vg(home, {"exec", "--shell", "touch MARKER"});
  EXPECT_EQ(threshold.exit_code, exit_code::k_config) << threshold.err;
  EXPECT_TRUE(contains(threshold.err, "config.yaml:4:")) << threshold.err;
  home.config("sandbox:\n  mode: disabled\n");
  auto flag = vg(home, {"exec", "--mode", "sometimes", "--shell", "touch MARKER"});
  EXPECT_EQ(flag.exit_code, exit_code::k_config) << flag.err;
  EXPECT_TRUE(contains(flag.err, "sandbox.mode")) << flag.err;
  EXPECT_FALSE(home.exists("work/MARKER")) << "a config error runs nothing";
}

TEST(Modes, AlwaysModeHostOverrideNeedsPermission) {
  Home home;
  home.config(mock_config(home, "always"));
  auto denied = vg(home, {"exec", "--host", "--shell", "touch MARKER"});
  EXPECT_EQ(denied.exit_code, 0) << denied.err;
  EXPECT_TRUE(contains(denied.err, "allow_host_override")) << denied.err;
  EXPECT_FALSE(home.exists("work/MARKER")) << "--host was not permitted: the sandbox (mock) ran it";
  EXPECT_EQ(last_record(home).route, "sandbox");
  home.config(mock_config(home, "always", "  allow_host_override: true\n"));
  auto allowed = vg(home, {"exec", "--host", "--shell", "touch MARKER"});
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_TRUE(home.exists("work/MARKER"));
  EXPECT_EQ(last_record(home).route, "host");
}

TEST(Modes, AutoRoutesByLevelAndNeverSendsTheNotUnderstoodToTheHost) {
  Home home;
  home.fake_program("docker");
  home.fake_program("redis-cli");
  home.config(mock_config(home, "auto"));
  auto low = vg(home, {"exec", "--shell", "touch MARKER"});
  EXPECT_EQ(low.exit_code, 0) << low.err;
  EXPECT_TRUE(home.exists("work/MARKER")) << "low runs on the host";
  EXPECT_EQ(last_record(home).route, "host");

  auto medium = vg(home, {"exec", "--", "docker", "pull", "ubuntu"});
  EXPECT_EQ(medium.exit_code, 0) << medium.err;
  EXPECT_FALSE(home.fake_ran("docker"));
  auto rec = last_record(home);
  EXPECT_EQ(rec.level, config::Level::medium);
  EXPECT_EQ(rec.route, "sandbox");

  auto high = vg(home, {"exec", "--", "redis-cli", "FLUSHALL"});
  EXPECT_EQ(high.exit_code, 0) << high.err;
  EXPECT_FALSE(home.fake_ran("redis-cli"));
  rec = last_record(home);
  EXPECT_EQ(rec.level, config::Level::high);
  EXPECT_EQ(rec.route, "sandbox");

  // A command word computed at run time: not understood, so not the host
  // (were it run, it would only create OPAQUE).
  home.write("work/cmdfile", "touch\n");
  auto opaque = vg(home, {"exec", "--shell", "\"$(cat cmdfile)\" OPAQUE"});
  EXPECT_EQ(opaque.exit_code, 0) << opaque.err;
  EXPECT_FALSE(home.exists("work/OPAQUE"));
  rec = last_record(home);
  EXPECT_FALSE(rec.understood);
  EXPECT_EQ(rec.route, "sandbox");

  // manual: host unless --sandbox.
  auto manual = vg(home, {"exec", "--mode", "manual", "--sandbox", "--", "redis-cli", "FLUSHALL"});
  EXPECT_EQ(manual.exit_code, 0) << manual.err;
  EXPECT_FALSE(home.fake_ran("redis-cli"));
  auto manual_host = vg(home, {"exec", "--mode", "manual", "--", "redis-cli", "FLUSHALL"});
  EXPECT_EQ(manual_host.exit_code, 0) << manual_host.err;
  EXPECT_TRUE(home.fake_ran("redis-cli"));
}

TEST(Ask, WithoutATerminalTheFallbackAnswers) {
  Home home;
  home.fake_program("redis-cli");
  home.config(mock_config(home, "auto", "  risk_threshold:\n    high: ask\n"));
  auto refused = vg(home, {"exec", "--", "redis-cli", "FLUSHALL"});
  EXPECT_EQ(refused.exit_code, exit_code::k_refused) << refused.err;
  EXPECT_TRUE(contains(refused.err, "no terminal")) << refused.err;
  EXPECT_FALSE(home.fake_ran("redis-cli"));
  home.config(mock_config(home, "auto", "  risk_threshold:\n    high: ask\n  ask_fallback: sandbox\n"));
  auto sandboxed = vg(home, {"exec", "--", "redis-cli", "FLUSHALL"});
  EXPECT_EQ(sandboxed.exit_code, 0) << sandboxed.err;
  EXPECT_FALSE(home.fake_ran("redis-cli"));
  EXPECT_EQ(last_record(home).route, "sandbox");
}

TEST(Ask, ThePersonAtTheTerminalDecides) {
  Home home;
  home.fake_program("redis-cli");
  home.config(mock_config(home, "auto", "  risk_threshold:\n    high: ask\n"));
  {
    PtySession s(home, {"exec", "--", "redis-cli", "FLUSHALL"});
    ASSERT_TRUE(s.expect("[N]ot at all?")) << s.output();
    EXPECT_TRUE(contains(s.output(), "db.redis_flush")) << "the prompt shows the findings: " << s.output();
    s.send("\n");
    EXPECT_EQ(s.wait(), exit_code::k_refused) << s.output();
  }
  EXPECT_FALSE(home.fake_ran("redis-cli"));
  {
    PtySession s(home, {"exec", "--", "redis-cli", "FLUSHALL"});
    ASSERT_TRUE(s.expect("[N]ot at all?")) << s.output();
    s.send("s\n");
    EXPECT_EQ(s.wait(), 0) << s.output();
  }
  EXPECT_FALSE(home.fake_ran("redis-cli")) << "sandbox (mock) answer runs nothing on the host";
  EXPECT_EQ(last_record(home).route, "sandbox");
  {
    PtySession s(home, {"exec", "--", "redis-cli", "FLUSHALL"});
    ASSERT_TRUE(s.expect("[N]ot at all?")) << s.output();
    s.send("h\n");
    EXPECT_EQ(s.wait(), 0) << s.output();
  }
  EXPECT_TRUE(home.fake_ran("redis-cli"));
  auto rec = last_record(home);
  EXPECT_EQ(rec.route, "host");
  EXPECT_TRUE(rec.asked);
}

}  // namespace
}  // namespace vg::router::e2e
