// A repository's .vg.yaml tightens but cannot loosen, unless trusted.
#include <gtest/gtest.h>

#include "config/load.hpp"
#include "config/sha256.hpp"
#include "config/test_dir.hpp"
#include "config/trust.hpp"

namespace vg::config {
namespace {

class RepoPolicy : public testing::TempDirTest {
 protected:
  std::string repo_file(const std::string& text) { return write("work/.vg.yaml", text); }
  Config must_load() {
    auto r = load(options());
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(r).value() : Config{};
  }
  std::string store() const { return trust_store_file(env); }
  static bool has_note(const Config& c, const std::string& needle) {
    for (const auto& n : c.notes) {
      if (n.find(needle) != std::string::npos) return true;
    }
    return false;
  }
};

TEST_F(RepoPolicy, ModeDisabledDoesNotTurnVgOff) {
  std::string f = repo_file("sandbox:\n  mode: disabled\n");
  Config c = must_load();
  EXPECT_EQ(c.sandbox.mode, Mode::always);
  EXPECT_EQ(c.origins.at("sandbox.mode").to_string(), "default");
  ASSERT_EQ(c.notes.size(), 1u);
  EXPECT_EQ(c.notes[0], "ignoring sandbox.mode: disabled from " + f + ":2:9 — a repository config cannot loosen your "
                        "policy; trust it with 'vg config trust " + f + "'");
  EXPECT_EQ(c.project_root, work);
  ASSERT_EQ(c.files_read.size(), 1u);
  EXPECT_EQ(c.files_read[0], f);
}

TEST_F(RepoPolicy, FoundWalkingUpFromASubdirectory) {
  std::string f = repo_file("sandbox:\n  enabled: false\n");
  std::filesystem::create_directories(work + "/a/b");
  auto o = options();
  o.cwd = work + "/a/b";
  auto r = load(o);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->sandbox.enabled);
  EXPECT_EQ(r->project_root, work);
  EXPECT_TRUE(has_note(*r, "ignoring sandbox.enabled: false from " + f + ":2:12"));
}

TEST_F(RepoPolicy, ProjectRootFallsBackToGitThenCwd) {
  std::filesystem::create_directories(work + "/.git");
  std::filesystem::create_directories(work + "/src");
  auto o = options();
  o.cwd = work + "/src";
  auto r = load(o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->project_root, work);
}

TEST_F(RepoPolicy, TighteningIsApplied) {
  write(user_file(), "sandbox:\n  mode: auto\n  network:\n    mode: restricted\n    allowed_hosts: [\"*.npmjs.org\", github.com]\n"
                     "  resources:\n    memory: 2GB\n");
  std::string f = repo_file(
      "sandbox:\n  mode: always\n  risk_threshold:\n    low: sandbox\n  block_critical: true\n"
      "  network:\n    mode: none\n    allowed_hosts: [registry.npmjs.org]\n    blocked_hosts: [evil.com]\n"
      "  exclude: [.env]\n  resources:\n    memory: 1GB\n    pids: 100\n  runtime: microvm\n");
  Config c = must_load();
  EXPECT_TRUE(c.notes.empty()) << c.notes[0];
  EXPECT_EQ(c.sandbox.mode, Mode::always);
  EXPECT_EQ(c.origins.at("sandbox.mode").source, f);
  EXPECT_EQ(c.sandbox.risk_threshold.low, Action::sandbox);
  EXPECT_EQ(c.sandbox.network.mode, NetworkMode::none);
  EXPECT_EQ(c.sandbox.network.allowed_hosts, std::vector<std::string>{"registry.npmjs.org"});
  EXPECT_EQ(c.sandbox.network.blocked_hosts, std::vector<std::string>{"evil.com"});
  EXPECT_EQ(c.sandbox.exclude, std::vector<std::string>{".env"});
  EXPECT_EQ(c.sandbox.resources.memory, 1000000000u);
  EXPECT_EQ(c.sandbox.resources.pids, 100u);
  EXPECT_EQ(c.sandbox.runtime, "microvm");
}

TEST_F(RepoPolicy, EveryLooseningIsIgnoredWithANote) {
  write(user_file(),
        "sandbox:\n  mode: auto\n  allow_host_override: false\n  network:\n    mode: restricted\n"
        "    allowed_hosts: [\"*.npmjs.org\"]\n    blocked_hosts: [evil.com]\n  exclude: [.env, secrets/]\n"
        "  resources:\n    memory: 2GB\n    timeout: 10m\n  volumes:\n    - {source: /data, target: /data, mode: ro}\n"
        "  isolation:\n    capabilities: [CAP_NET_BIND_SERVICE]\n");
  std::string f = repo_file(
      "sandbox:\n  enabled: false\n  mode: manual\n  risk_threshold:\n    medium: host\n    critical: ask\n"
      "  block_critical: false\n  allow_host_override: true\n  fallback: host\n  not_understood: sandbox\n"
      "  ask_fallback: host\n  runtime: mock\n"
      "  network:\n    mode: full\n    allowed_hosts: [registry.npmjs.org, example.com]\n    blocked_hosts: []\n"
      "  exclude: [.env]\n  resources:\n    memory: 4GB\n    timeout: 0\n"
      "  volumes:\n    - {source: /data, target: /data, mode: rw}\n    - {source: /etc, target: /etc}\n"
      "  isolation:\n    filesystem: overlay\n    network: false\n    user: root\n    capabilities: [CAP_NET_RAW]\n"
      "audit:\n  path: /dev/null\nrules:\n  disable: [fs.rm-rf]\nhooks:\n  on_missing: warn\n");
  Config c = must_load();
  const Sandbox& s = c.sandbox;
  EXPECT_TRUE(s.enabled);
  EXPECT_EQ(s.mode, Mode::automatic);
  EXPECT_EQ(s.risk_threshold.medium, Action::sandbox);
  EXPECT_EQ(s.risk_threshold.critical, Action::refuse);
  EXPECT_TRUE(s.block_critical);
  EXPECT_FALSE(s.allow_host_override);
  EXPECT_EQ(s.fallback, Fallback::none);
  EXPECT_EQ(s.ask_fallback, Action::refuse);
  EXPECT_EQ(s.runtime, "namespace");
  EXPECT_EQ(s.network.mode, NetworkMode::restricted);
  EXPECT_EQ(s.network.allowed_hosts, std::vector<std::string>{"registry.npmjs.org"});
  EXPECT_EQ(s.network.blocked_hosts, std::vector<std::string>{"evil.com"});
  EXPECT_EQ(s.exclude, (std::vector<std::string>{".env", "secrets/"}));
  EXPECT_EQ(s.resources.memory, 2000000000u);
  EXPECT_EQ(s.resources.timeout, 600u);
  EXPECT_TRUE(s.volumes.empty());
  EXPECT_TRUE(s.isolation.network);
  EXPECT_EQ(s.isolation.user, "nobody");
  EXPECT_TRUE(s.isolation.capabilities.empty());
  EXPECT_EQ(c.audit.path, "");
  EXPECT_TRUE(c.rules.disable.empty());
  EXPECT_TRUE(has_note(c, "ignoring sandbox.network.allowed_hosts entry 'example.com' from " + f));
  EXPECT_TRUE(has_note(c, "ignoring the removal of sandbox.exclude entry 'secrets/' by " + f));
  EXPECT_TRUE(has_note(c, "ignoring sandbox.volumes entry '/data:/data:rw' from " + f));
  EXPECT_TRUE(has_note(c, "ignoring audit.path: /dev/null from " + f));
  EXPECT_TRUE(has_note(c, "ignoring sandbox.risk_threshold.critical: ask from " + f + ":6:15"));
  EXPECT_EQ(c.origins.at("sandbox.mode").source, user_file());
}

TEST_F(RepoPolicy, ScalarThresholdFormIsCheckedPerLevel) {
  write(user_file(), "sandbox:\n  risk_threshold: {low: sandbox, medium: sandbox, high: refuse}\n");
  repo_file("sandbox:\n  risk_threshold: high\n");  // low, medium -> host; high -> sandbox
  Config c = must_load();
  EXPECT_EQ(c.sandbox.risk_threshold.low, Action::sandbox);
  EXPECT_EQ(c.sandbox.risk_threshold.medium, Action::sandbox);
  EXPECT_EQ(c.sandbox.risk_threshold.high, Action::refuse);
  EXPECT_EQ(c.notes.size(), 3u);
}

TEST_F(RepoPolicy, TrustMakesLooseningApply) {
  std::string f = repo_file("sandbox:\n  mode: disabled\n");
  std::ifstream in(f);
  std::string content((std::istreambuf_iterator<char>(in)), {});
  ASSERT_TRUE(trust_config(store(), f, content).ok());
  Config c = must_load();
  EXPECT_EQ(c.sandbox.mode, Mode::disabled);
  EXPECT_EQ(c.origins.at("sandbox.mode").to_string(), f + ":2:9");
  EXPECT_TRUE(c.notes.empty());
  // The store holds the hash and the path, one line.
  std::ifstream st(store());
  std::string line;
  std::getline(st, line);
  EXPECT_EQ(line, sha256_hex(content) + "  " + f);
}

TEST_F(RepoPolicy, EditingATrustedFileRevokesTheTrust) {
  std::string f = repo_file("sandbox:\n  mode: disabled\n");
  ASSERT_TRUE(trust_config(store(), f, "sandbox:\n  mode: disabled\n").ok());
  EXPECT_EQ(must_load().sandbox.mode, Mode::disabled);
  repo_file("sandbox:\n  mode: disabled\n  enable_cache: false\n");
  Config c = must_load();
  EXPECT_EQ(c.sandbox.mode, Mode::always);
  EXPECT_FALSE(c.sandbox.enable_cache);  // free keys still apply
  EXPECT_TRUE(has_note(c, "ignoring sandbox.mode: disabled"));
}

TEST_F(RepoPolicy, UntrustRestoresTheRule) {
  std::string f = repo_file("sandbox:\n  mode: manual\n");
  ASSERT_TRUE(trust_config(store(), f, "sandbox:\n  mode: manual\n").ok());
  ASSERT_TRUE(trust_config(store(), root() + "/other.yaml", "x").ok());
  EXPECT_EQ(must_load().sandbox.mode, Mode::manual);
  auto removed = untrust_config(store(), f);
  ASSERT_TRUE(removed.ok());
  EXPECT_TRUE(*removed);
  EXPECT_EQ(must_load().sandbox.mode, Mode::always);
  EXPECT_TRUE(is_trusted(store(), root() + "/other.yaml", "x"));
  auto again = untrust_config(store(), f);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
}

TEST_F(RepoPolicy, TrustOfAnotherPathDoesNotApply) {
  repo_file("sandbox:\n  mode: disabled\n");
  ASSERT_TRUE(trust_config(store(), root() + "/elsewhere/.vg.yaml", "sandbox:\n  mode: disabled\n").ok());
  EXPECT_EQ(must_load().sandbox.mode, Mode::always);
}

TEST_F(RepoPolicy, EnvAndFlagsStillOverrideTheRepository) {
  repo_file("sandbox:\n  mode: always\n");
  auto o = options();
  o.env["VG_MODE"] = "manual";
  auto r = load(o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sandbox.mode, Mode::manual);
}

TEST_F(RepoPolicy, TraceMarksTheRepositoryFile) {
  std::string f = repo_file("sandbox:\n  mode: always\n");
  write(user_file(), "sandbox: {}\n");
  LoadTrace trace;
  auto r = load(options(), trace);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(trace.files.size(), 3u);
  EXPECT_EQ(trace.files[0].state, ConsideredFile::State::missing);
  EXPECT_EQ(trace.files[1].state, ConsideredFile::State::read);
  EXPECT_EQ(trace.files[1].path, user_file());
  EXPECT_EQ(trace.files[2].state, ConsideredFile::State::untrusted);
  ASSERT_TRUE(trust_config(store(), f, "sandbox:\n  mode: always\n").ok());
  LoadTrace trace2;
  ASSERT_TRUE(load(options(), trace2).ok());
  EXPECT_EQ(trace2.files[2].state, ConsideredFile::State::trusted);
}

}  // namespace
}  // namespace vg::config
