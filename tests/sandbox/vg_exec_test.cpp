// The namespace sandbox through the real binary: `vg exec --sandbox`.
#include <chrono>
#include <filesystem>

#include "config/exit_codes.hpp"
#include "tests/sandbox/suite.hpp"

namespace vg::test {
namespace {

namespace fs = std::filesystem;

class VgExecSandbox : public SandboxTest {
 protected:
  Ran vg(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {VG_BIN, "exec", "--sandbox"};
    argv.insert(argv.end(), args.begin(), args.end());
    return vg_raw(argv);
  }
  // `vg cache stats --json` of this test's cache: the value of `key` (-1 if absent).
  long cache_stat(const std::string& key) {
    Ran r = vg_raw({VG_BIN, "cache", "stats", "--json"});
    auto at = r.out.find("\"" + key + "\":");
    if (at == std::string::npos) return -1;
    return std::atol(r.out.c_str() + at + key.size() + 3);
  }
  Ran vg_raw(const std::vector<std::string>& argv) {
    fs::create_directories(m_root / "config");
    fs::create_directories(ws + "/.git");  // the project root
    // The child runs from the workspace; run() inherits our cwd, so go through sh.
    std::string line;
    for (const auto& a : argv) line += "'" + a + "' ";
    // stdin from /dev/null: a run with a pipe on stdin is never cached.
    Ran r = run({"/bin/sh", "-c", "cd '" + ws + "' && exec " + line + " </dev/null"},
                {"HOME=" + home, "XDG_STATE_HOME=" + state, "XDG_CONFIG_HOME=" + (m_root / "config"), "LC_ALL=C"});
    std::printf("[vg] exit %d\n%s%s", r.exit_code, r.out.c_str(), r.err.c_str());
    return r;
  }
};

TEST_F(VgExecSandbox, WritesLandThroughThePolicyEngine) {
  Ran r = vg({"--", "sh", "-c", "echo built > out.txt && id -un"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "nobody\n");  // stdout is the command's alone
  EXPECT_EQ(read_file(ws + "/out.txt"), "built\n");
}

TEST_F(VgExecSandbox, HostIgnoredByModeAlwaysRunsInTheSandboxThroughTheCache) {
  // Mode always (the default) without allow_host_override ignores --host; the
  // run goes on in the sandbox (and through vg-full, for the cache) instead
  // of failing over the two flags.
  Ran r = vg_raw({VG_BIN, "exec", "--host", "--", "sh", "-c", "id -un"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "nobody\n") << "ran in the sandbox";
  EXPECT_NE(r.err.find("--host ignored"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("contradict"), std::string::npos) << r.err;
}

TEST_F(VgExecSandbox, SecretVariablesAreWithheldOrdinaryOnesPass) {
  // Through the cache and without it: the command's `env` shows none of the
  // secret names, and the ordinary variable.
  std::string vars = "AWS_SECRET_ACCESS_KEY=s1 GITHUB_TOKEN=s2 OPENAI_API_KEY=s3 ANTHROPIC_API_KEY=s4 NPM_TOKEN=s5 "
                     "DB_PASSWORD=s6 DATABASE_URL=postgres://u:s7@h/d ORDINARY_SETTING=visible";
  for (const char* cache : {"--no-cache", "--sandbox"}) {
    Ran r = vg_raw({"/usr/bin/env", "sh", "-c", vars + " exec '" + std::string(VG_BIN) + "' exec --sandbox " + cache + " -- env"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("ORDINARY_SETTING=visible"), std::string::npos) << cache << ": " << r.out;
    for (const char* secret : {"s1", "s2", "s3", "s4", "s5", "s6", "s7"}) {
      EXPECT_EQ(r.out.find(std::string("=") + secret), std::string::npos) << cache << ": " << secret << " passed";
    }
  }
  // Named in sandbox.env.pass, one gets through.
  fs::create_directories(m_root / "config/vg");
  write_file(m_root / "config/vg/config.yaml", "sandbox:\n  env: {pass: [NPM_TOKEN]}\n");
  Ran r = vg_raw({"/usr/bin/env", "sh", "-c", "NPM_TOKEN=s5 exec '" + std::string(VG_BIN) + "' exec --sandbox --no-cache -- env"});
  EXPECT_NE(r.out.find("NPM_TOKEN=s5"), std::string::npos) << r.out << r.err;
}

TEST_F(VgExecSandbox, EnvFileIsEmptyInside) {
  write_file(ws + "/.env", "TOKEN=FAKE-SECRET\n");
  Ran r = vg({"--", "cat", ".env"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(VgExecSandbox, SymlinkOutOfTheWorkspaceIsRefusedAndReported) {
  Ran r = vg({"--", "ln", "-s", outside, "door"});
  EXPECT_EQ(r.exit_code, vg::exit_code::k_kept_aside) << r.err;  // the link is kept aside
  EXPECT_FALSE(exists(ws + "/door"));
  EXPECT_NE(r.err.find("vg: refused: symlink door: symlink points outside the volume"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(state + "/vg/quarantine/"), std::string::npos) << r.err;
}

TEST_F(VgExecSandbox, DryRunWritesAppliesNothing) {
  Ran r = vg({"--dry-run-writes", "--", "sh", "-c", "echo x > planned.txt"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(exists(ws + "/planned.txt"));
  EXPECT_NE(r.err.find("created planned.txt"), std::string::npos) << r.err;
}

TEST_F(VgExecSandbox, ExitCodePassesThrough) {
  EXPECT_EQ(vg({"--", "sh", "-c", "exit 9"}).exit_code, 9);
  EXPECT_EQ(vg({"--", "sh", "-c", "kill -KILL $$"}).exit_code, 137);
}

TEST_F(VgExecSandbox, HostIsNotVisible) {
  Ran r = vg({"--", "sh", "-c", "ls /proc | grep -c '^[0-9]'; ls " + home + " | wc -l"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // Only the sandbox's own processes (init, sh, ls, grep...) and an empty home.
  EXPECT_LT(std::atoi(r.out.c_str()), 8) << r.out;
  EXPECT_NE(r.out.find("\n0\n"), std::string::npos) << r.out;
}

TEST_F(VgExecSandbox, TimeoutFlagEndsTheRunWith124AndIsNeverCached) {
  std::string marker = "30." + unique_word();
  for (int attempt = 0; attempt < 2; ++attempt) {  // the second run is not a replay
    auto begun = std::chrono::steady_clock::now();
    Ran r = vg({"--timeout", "1", "--", "sh", "-c", "echo started; sleep " + marker});
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - begun).count();
    EXPECT_LT(s, 10.0);
    EXPECT_EQ(r.exit_code, 124) << r.err;
    EXPECT_EQ(r.out, "started\n");
    EXPECT_NE(r.err.find("vg: sandbox: timed out after 1s (resources.timeout); killed"), std::string::npos) << r.err;
    EXPECT_TRUE(processes_with_arg(marker).empty()) << "the sandboxed sleep outlived vg";
  }
  EXPECT_EQ(cache_stat("entries"), 0);
  // The same cache does store a run that finishes in time: the check above could fail.
  EXPECT_EQ(vg({"--timeout", "30", "--", "sh", "-c", "echo quick"}).exit_code, 0);
  EXPECT_EQ(cache_stat("entries"), 1);
}

TEST_F(VgExecSandbox, TimeoutFromTheConfigFile) {
  write_file(ws + "/.vg.yaml", "sandbox:\n  resources:\n    timeout: 1s\n");
  Ran r = vg({"--no-cache", "--", "sleep", "30"});
  EXPECT_EQ(r.exit_code, 124) << r.err;
  EXPECT_NE(r.err.find("timed out after 1s (resources.timeout)"), std::string::npos) << r.err;
}

TEST_F(VgExecSandbox, BadTimeoutFlagIsAConfigError) {
  Ran r = vg({"--timeout", "soon", "--", "true"});
  EXPECT_EQ(r.exit_code, 78) << r.err;
  EXPECT_NE(r.err.find("sandbox.resources.timeout"), std::string::npos) << r.err;
}

TEST_F(VgExecSandbox, CapabilitiesFromTheConfig) {
  std::string user_config = (m_root / "config") + "/vg/config.yaml";
  write_file(user_config, "sandbox:\n  isolation:\n    capabilities: [NET_BIND_SERVICE]\n");
  Ran r = vg({"--no-cache", "--", "cat", "/proc/self/status"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\nCapEff:\t0000000000000400\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nCapAmb:\t0000000000000400\n"), std::string::npos) << r.out;

  write_file(user_config, "sandbox:\n  isolation:\n    capabilities: [SYS_ADMIN]\n");
  Ran bad = vg({"--no-cache", "--", "sh", "-c", "echo ran > ran.txt"});
  EXPECT_EQ(bad.exit_code, 78) << bad.err;
  EXPECT_NE(bad.err.find(user_config + ":3:20: sandbox.isolation.capabilities: CAP_SYS_ADMIN may not be kept"),
            std::string::npos)
      << bad.err;
  EXPECT_FALSE(exists(ws + "/ran.txt"));
}

}  // namespace
}  // namespace vg::test
