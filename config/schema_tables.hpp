#pragma once
// The names of the schema: the keys of each section (vg's and the Vectra
// Guard keys vg accepts), the enum values, and the Vectra Guard values read
// as vg values. Used by config/schema.cpp only.

#include <string>
#include <utility>
#include <vector>

#include "config/config.hpp"

namespace vg::config::schema {

template <class E>
using NameTable = std::vector<std::pair<const char*, E>>;

inline const std::vector<std::string> k_top_keys{"sandbox", "mock", "rules", "audit", "hooks", "microvm"};
// Vectra Guard's other top-level sections: read by Vectra Guard, not by vg.
inline const std::vector<std::string> k_vectra_top_keys{"guard_level", "logging",   "policies",      "env_protection",
                                                 "production_indicators", "cve", "prompt_firewall", "trust"};
inline const std::vector<std::string> k_sandbox_keys{
    "enabled",        "mode",           "enable_cache", "cache_ttl",      "cache_size",
    "cache_strategy", "cache_salt",     "risk_threshold", "block_critical", "not_understood",
    "ask_fallback",   "allow_host_override", "fallback", "runtime",       "resources",
    "isolation",      "volumes",        "exclude",      "allow_protected", "env", "network",
    // Vectra Guard spellings of vg keys.
    "network_mode", "timeout", "bind_mounts"};
// Vectra Guard `sandbox:` keys that vg accepts and does not use.
inline const std::vector<std::string> k_sandbox_vectra_unused{
    "security_level", "image",        "cache_dirs",       "seccomp_profile", "env_whitelist",
    "enable_metrics", "log_output",   "trust_store_path", "auto_detect_env", "prefer_fast"};
inline const std::vector<std::string> k_resources_keys{"cpu", "memory", "disk", "pids", "timeout",
                                                      "require_limits"};
inline const std::vector<std::string> k_isolation_keys{"filesystem", "network", "user", "capabilities"};
inline const std::vector<std::string> k_network_keys{"mode", "allowed_hosts", "blocked_hosts"};
inline const std::vector<std::string> k_env_keys{"pass", "drop"};
inline const std::vector<std::string> k_threshold_keys{"low", "medium", "high", "critical"};
inline const std::vector<std::string> k_volume_keys{"source", "target", "mode"};
inline const std::vector<std::string> k_bind_mount_keys{"host_path", "container_path", "read_only"};
inline const std::vector<std::string> k_mock_keys{"exit_code", "stdout_text", "stderr_text", "fail_start", "record_path"};
inline const std::vector<std::string> k_rules_keys{"paths", "disable"};
inline const std::vector<std::string> k_audit_keys{"path", "max_size", "keep", "required"};
inline const std::vector<std::string> k_hooks_keys{"on_missing"};
inline const std::vector<std::string> k_microvm_keys{"accel", "memory", "pool_size"};

inline const NameTable<Mode> k_modes{{"always", Mode::always}, {"auto", Mode::automatic}, {"manual", Mode::manual},
                              {"disabled", Mode::disabled}};
inline const NameTable<Action> k_actions{{"host", Action::host}, {"sandbox", Action::sandbox}, {"ask", Action::ask},
                                  {"refuse", Action::refuse}};
inline const NameTable<Action> k_not_understood_actions{{"sandbox", Action::sandbox}, {"refuse", Action::refuse}};
inline const NameTable<Action> k_fallback_actions{{"host", Action::host}, {"sandbox", Action::sandbox},
                                           {"refuse", Action::refuse}};
inline const NameTable<Level> k_levels{{"low", Level::low}, {"medium", Level::medium}, {"high", Level::high},
                                {"critical", Level::critical}};
inline const NameTable<CacheStrategy> k_strategies{{"smart", CacheStrategy::smart},
                                            {"aggressive", CacheStrategy::aggressive},
                                            {"conservative", CacheStrategy::conservative}};
inline const NameTable<NetworkMode> k_network_modes{{"none", NetworkMode::none}, {"restricted", NetworkMode::restricted},
                                             {"full", NetworkMode::full}};
inline const NameTable<VolumeMode> k_volume_modes{{"ro", VolumeMode::ro}, {"rw", VolumeMode::rw},
                                           {"overlay", VolumeMode::overlay}};
inline const NameTable<Fallback> k_fallbacks{{"none", Fallback::none}, {"host", Fallback::host}};
inline const NameTable<int> k_runtimes{{"namespace", 0}, {"microvm", 1}, {"mock", 2}};
inline const NameTable<int> k_filesystems{{"overlay", 0}, {"readonly", 1}};
inline const NameTable<int> k_users{{"nobody", 0}, {"current", 1}, {"root", 2}};
inline const NameTable<int> k_on_missing{{"warn", 0}, {"refuse", 1}};
inline const NameTable<int> k_accels{{"auto", 0}, {"kvm", 1}, {"tcg", 2}, {"require-kvm", 3}};

// A Vectra Guard value read as a vg value (with a note).
struct Alias {
  const char* from;
  const char* to;
  const char* why;
};
using Aliases = std::vector<Alias>;

inline const Aliases k_mode_aliases{
    {"risky", "auto", " with risk_threshold.medium: host unless set (only high and critical risk go to the sandbox)"},
    {"never", "disabled", ""}};
inline const Aliases k_runtime_aliases{{"auto", "namespace", ""},
                                {"process", "namespace", ""},
                                {"bubblewrap", "namespace", ""},
                                {"docker", "namespace", " (vg has no container runtime; its namespace sandbox is used)"},
                                {"podman", "namespace", " (vg has no container runtime; its namespace sandbox is used)"}};

}  // namespace vg::config::schema
