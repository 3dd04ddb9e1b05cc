// Environment variables, flags, VG_CONFIG, and Vectra Guard files.
#include <gtest/gtest.h>

#include "config/env_vars.hpp"
#include "config/keys.hpp"
#include "config/load.hpp"
#include "config/test_dir.hpp"

namespace vg::config {
namespace {

class Sources : public testing::TempDirTest {
 protected:
  Config must_load(const LoadOptions& o) {
    auto r = load(o);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(r).value() : Config{};
  }
  static bool has_note(const Config& c, const std::string& needle) {
    for (const auto& n : c.notes) {
      if (n.find(needle) != std::string::npos) return true;
    }
    return false;
  }
};

TEST_F(Sources, EveryEnvVariableSetsItsKey) {
  auto o = options();
  o.env.insert({{"VG_MODE", "auto"},
                {"VG_RUNTIME", "mock"},
                {"VG_NETWORK", "restricted"},
                {"VG_CACHE", "0"},
                {"VG_CACHE_STRATEGY", "conservative"},
                {"VG_CACHE_TTL", "1d"},
                {"VG_CACHE_SIZE", "5GiB"},
                {"VG_BLOCK_CRITICAL", "false"},
                {"VG_ASK_FALLBACK", "sandbox"},
                {"VG_FALLBACK", "host"},
                {"VG_TIMEOUT", "90s"},
                {"VG_AUDIT_LOG", "audit.jsonl"},
                {"VG_MICROVM_ACCEL", "tcg"}});
  Config c = must_load(o);
  EXPECT_EQ(c.sandbox.mode, Mode::automatic);
  EXPECT_EQ(c.sandbox.runtime, "mock");
  EXPECT_EQ(c.sandbox.network.mode, NetworkMode::restricted);
  EXPECT_FALSE(c.sandbox.enable_cache);
  EXPECT_EQ(c.sandbox.cache_strategy, CacheStrategy::conservative);
  EXPECT_EQ(c.sandbox.cache_ttl, 86400u);
  EXPECT_EQ(c.sandbox.cache_size, 5ull << 30);
  EXPECT_FALSE(c.sandbox.block_critical);
  EXPECT_EQ(c.sandbox.ask_fallback, Action::sandbox);
  EXPECT_EQ(c.sandbox.fallback, Fallback::host);
  EXPECT_EQ(c.sandbox.resources.timeout, 90u);
  EXPECT_EQ(c.audit.path, work + "/audit.jsonl");  // relative to the working directory
  EXPECT_EQ(c.microvm.accel, "tcg");
  for (const auto& var : env_vars()) {
    if (var.key[0] == '\0') continue;
    EXPECT_EQ(c.origins.at(var.key).source, std::string("env ") + var.name) << var.name;
  }
  EXPECT_TRUE(c.notes.empty());
}

TEST_F(Sources, EveryEnvTableKeyIsASchemaKey) {
  for (const auto& var : env_vars()) {
    if (var.key[0] == '\0') continue;
    EXPECT_NE(find_key(var.key), nullptr) << var.name << " -> " << var.key;
  }
}

TEST_F(Sources, NonConfigVgVariablesAreIgnoredAndUnknownOnesNoted) {
  auto o = options();
  o.env.insert({{"VG_ACTIVE", "1"}, {"VG_BIN", "/x/vg"}, {"VG_SOURCE_DIR", "/src"}, {"VG_NPM_TARBALLS", "/t"},
                {"VG_HOOK", "zsh"}, {"VG_OFF", "1"}, {"VG_DEBUG", "stats"}, {"VG_TEST_ANYTHING", "x"}});
  Config c = must_load(o);
  EXPECT_TRUE(c.notes.empty()) << c.notes[0];
  o.env["VG_MOED"] = "auto";
  c = must_load(o);
  ASSERT_EQ(c.notes.size(), 1u);
  EXPECT_EQ(c.notes[0], "ignoring environment variable VG_MOED: not a vg setting; did you mean VG_MODE?");
  EXPECT_EQ(c.sandbox.mode, Mode::always);
}

TEST_F(Sources, VgConfigIsLayeredAfterTheUserFile) {
  write(user_file(), "sandbox:\n  mode: manual\n  enable_cache: false\n");
  std::string extra = write("extra.yaml", "sandbox:\n  mode: auto\n");
  auto o = options();
  o.env["VG_CONFIG"] = extra;
  Config c = must_load(o);
  EXPECT_EQ(c.sandbox.mode, Mode::automatic);
  EXPECT_EQ(c.origins.at("sandbox.mode").to_string(), extra + ":2:9");
  EXPECT_FALSE(c.sandbox.enable_cache);
  ASSERT_EQ(c.files_read.size(), 2u);
  EXPECT_EQ(c.files_read[1], extra);
}

TEST_F(Sources, VgConfigCountsAsALowerLayerForTheRepositoryRule) {
  std::string extra = write("extra.yaml", "sandbox:\n  mode: manual\n");
  write("work/.vg.yaml", "sandbox:\n  mode: disabled\n");
  auto o = options();
  o.env["VG_CONFIG"] = extra;
  Config c = must_load(o);
  EXPECT_EQ(c.sandbox.mode, Mode::manual);
}

TEST_F(Sources, FlagsTakeListsAndNestedKeys) {
  auto o = options();
  o.flags = {{"sandbox.network.allowed_hosts", "a.com, *.b.org"},
             {"sandbox.risk_threshold.low", "ask"},
             {"sandbox.risk_threshold", "high"},
             {"sandbox.volumes", "/src:/src:ro"}};
  Config c = must_load(o);
  EXPECT_EQ(c.sandbox.network.allowed_hosts, (std::vector<std::string>{"a.com", "*.b.org"}));
  EXPECT_EQ(c.sandbox.risk_threshold.low, Action::host);  // the later scalar form wins
  EXPECT_EQ(c.sandbox.risk_threshold.high, Action::sandbox);
  ASSERT_EQ(c.sandbox.volumes.size(), 1u);
  EXPECT_EQ(c.sandbox.volumes[0].target, "/src");
  EXPECT_EQ(c.origins.at("sandbox.network.allowed_hosts").source, "flag");
}

TEST_F(Sources, VectraGuardFileIsAcceptedUnchanged) {
  std::string f = write(user_file(), R"(guard_level:
  level: auto
  allow_user_bypass: true
logging:
  format: json
policies:
  monitor_git_ops: true
  denylist: ["rm -rf /"]
production_indicators:
  branches: [main]
env_protection:
  enabled: true
sandbox:
  enabled: true
  mode: risky
  security_level: balanced
  runtime: docker
  image: ubuntu:22.04
  timeout: 300
  enable_cache: true
  cache_ttl: 24h
  cache_size: 100MB
  cache_strategy: smart
  cache_dirs: [~/.npm, ~/.cargo]
  network_mode: restricted
  seccomp_profile: /path/to/seccomp.json
  env_whitelist: [HOME, PATH]
  bind_mounts:
    - host_path: /data
      container_path: /data
      read_only: true
  enable_metrics: true
  log_output: false
  trust_store_path: ~/.vectra-guard/trust.json
  risk_threshold:
    low: host
    medium: sandbox
    high: sandbox
  resources:
    cpu: 2
    memory: 2GB
    disk: 10GB
  isolation:
    filesystem: overlay
    network: true
    user: nobody
    capabilities: []
  volumes:
    - source: ~/src
      target: /src
      mode: ro
  exclude: [.env, "*.pem"]
  network:
    mode: restricted
    allowed_hosts: [registry.npmjs.org, "*.github.com"]
    blocked_hosts: [evil.example]
)");
  Config c = must_load(options());
  const Sandbox& s = c.sandbox;
  EXPECT_EQ(s.mode, Mode::automatic);
  EXPECT_EQ(s.runtime, "namespace");
  EXPECT_EQ(s.resources.timeout, 300u);
  EXPECT_EQ(s.resources.cpu, 2.0);
  EXPECT_EQ(s.resources.memory, 2000000000u);
  EXPECT_EQ(s.cache_ttl, 86400u);
  EXPECT_EQ(s.cache_size, 100000000u);
  EXPECT_EQ(s.network.mode, NetworkMode::restricted);
  ASSERT_EQ(s.volumes.size(), 1u);  // `volumes:` came after `bind_mounts:` and replaced it
  EXPECT_EQ(s.volumes[0].source, home + "/src");
  EXPECT_EQ(s.exclude, (std::vector<std::string>{".env", "*.pem"}));
  for (const char* unused : {"guard_level", "logging", "policies", "production_indicators", "env_protection",
                             "sandbox.security_level", "sandbox.image", "sandbox.cache_dirs", "sandbox.seccomp_profile",
                             "sandbox.env_whitelist", "sandbox.enable_metrics", "sandbox.log_output",
                             "sandbox.trust_store_path"}) {
    EXPECT_TRUE(has_note(c, std::string(": ") + unused + ": accepted, not used by vg")) << unused;
  }
  EXPECT_TRUE(has_note(c, f + ":15:9: sandbox.mode: 'risky' (a Vectra Guard value) is read as 'auto'"));
  // The file sets risk_threshold.medium itself, so `risky` leaves it alone.
  EXPECT_EQ(s.risk_threshold.medium, Action::sandbox);
  EXPECT_TRUE(has_note(c, "sandbox.runtime: 'docker' (a Vectra Guard value) is read as 'namespace'"));
  for (const auto& [key, origin] : c.origins) EXPECT_NE(find_key(key), nullptr) << "stray origin key " << key;
}

TEST_F(Sources, BindMountsMapToVolumes) {
  write(user_file(), "sandbox:\n  bind_mounts:\n    - {host_path: ./data, container_path: /data, read_only: false}\n");
  Config c = must_load(options());
  ASSERT_EQ(c.sandbox.volumes.size(), 1u);
  EXPECT_EQ(c.sandbox.volumes[0].source, home + "/.config/vg/data");
  EXPECT_EQ(c.sandbox.volumes[0].target, "/data");
  EXPECT_EQ(c.sandbox.volumes[0].mode, VolumeMode::rw);
  EXPECT_EQ(c.origins.at("sandbox.volumes").line, 3);  // where the list starts
  for (const auto& [key, origin] : c.origins) EXPECT_NE(find_key(key), nullptr) << "stray origin key " << key;
}

TEST_F(Sources, ScalarRiskThresholdMeansThisLevelAndAboveGoToTheSandbox) {
  write(user_file(), "sandbox:\n  risk_threshold: medium\n");
  Config c = must_load(options());
  EXPECT_EQ(c.sandbox.risk_threshold.low, Action::host);
  EXPECT_EQ(c.sandbox.risk_threshold.medium, Action::sandbox);
  EXPECT_EQ(c.sandbox.risk_threshold.high, Action::sandbox);
  EXPECT_EQ(c.sandbox.risk_threshold.critical, Action::refuse);
  EXPECT_EQ(c.origins.at("sandbox.risk_threshold.low").to_string(), user_file() + ":2:19");
  EXPECT_EQ(c.origins.count("sandbox.risk_threshold"), 0u);
}

TEST_F(Sources, RiskyModeSandboxesOnlyHighAndCritical) {
  std::string f = write(user_file(), "sandbox:\n  mode: risky\n");
  Config c = must_load(options());
  EXPECT_EQ(c.sandbox.mode, Mode::automatic);
  EXPECT_EQ(c.sandbox.risk_threshold.low, Action::host);
  EXPECT_EQ(c.sandbox.risk_threshold.medium, Action::host);
  EXPECT_EQ(c.sandbox.risk_threshold.high, Action::sandbox);
  EXPECT_EQ(c.origins.at("sandbox.risk_threshold.medium").to_string(), f + ":2:9");
  auto o = options();
  o.env["VG_MODE"] = "risky";
  write(user_file(), "");
  c = must_load(o);
  EXPECT_EQ(c.sandbox.mode, Mode::automatic);
  EXPECT_EQ(c.sandbox.risk_threshold.medium, Action::host);
  EXPECT_EQ(c.origins.at("sandbox.risk_threshold.medium").source, "env VG_MODE");
}

TEST_F(Sources, NeverIsReadAsDisabled) {
  write(user_file(), "sandbox:\n  mode: never\n");
  EXPECT_EQ(must_load(options()).sandbox.mode, Mode::disabled);
}

TEST_F(Sources, CheckFileValidatesOneFile) {
  std::string good = write("good.yaml", "sandbox:\n  mode: auto\n");
  std::string bad = write("bad.yaml", "sandbox:\n  mode: auot\n");
  auto r = check_file(good, options());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sandbox.mode, Mode::automatic);
  auto e = check_file(bad, options());
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().message,
            bad + ":2:9: unknown mode 'auot' (did you mean 'auto'?); expected always|auto|manual|disabled");
  EXPECT_FALSE(check_file(root() + "/missing.yaml", options()).ok());
}

TEST_F(Sources, DirsFollowXdgAndHome) {
  Dirs d = dirs({{"HOME", "/h"}});
  EXPECT_EQ(d.config, "/h/.config/vg");
  EXPECT_EQ(d.state, "/h/.local/state/vg");
  EXPECT_EQ(d.data, "/h/.local/share/vg");
  EXPECT_EQ(d.cache, "/h/.cache/vg");
  d = dirs({{"HOME", "/h"}, {"XDG_CONFIG_HOME", "/c"}, {"XDG_STATE_HOME", "relative"}, {"XDG_CACHE_HOME", "/k"}});
  EXPECT_EQ(d.config, "/c/vg");
  EXPECT_EQ(d.state, "/h/.local/state/vg");  // a relative XDG value is ignored
  EXPECT_EQ(d.cache, "/k/vg");
  EXPECT_EQ(trust_store_file({{"HOME", "/h"}}), "/h/.local/state/vg/trusted-configs");
}

}  // namespace
}  // namespace vg::config
