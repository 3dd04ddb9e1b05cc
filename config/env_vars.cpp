// VG_* environment variables. This table is the documentation:
//
//   VG_CONFIG          an extra config file, layered after the user file
//   VG_MODE            sandbox.mode            always|auto|manual|disabled
//   VG_RUNTIME         sandbox.runtime         namespace|microvm|mock
//   VG_NETWORK         sandbox.network.mode    none|restricted|full
//   VG_CACHE           sandbox.enable_cache    true|false|1|0
//   VG_CACHE_STRATEGY  sandbox.cache_strategy  smart|aggressive|conservative
//   VG_CACHE_TTL       sandbox.cache_ttl       duration (7d)
//   VG_CACHE_SIZE      sandbox.cache_size      size (1GiB)
//   VG_BLOCK_CRITICAL  sandbox.block_critical  true|false|1|0
//   VG_ASK_FALLBACK    sandbox.ask_fallback    host|sandbox|refuse
//   VG_FALLBACK        sandbox.fallback        none|host
//   VG_TIMEOUT         sandbox.resources.timeout  duration
//   VG_AUDIT_LOG       audit.path              file path
//   VG_MICROVM_ACCEL   microvm.accel           auto|kvm|tcg|require-kvm
//
// Ignored (not configuration): VG_ACTIVE, VG_BIN, VG_SOURCE_DIR,
// VG_NPM_TARBALLS, VG_HOOK, VG_OFF, VG_DEBUG, every VG_TEST_*, and the
// developer knobs read where they are used: VG_BUILD_DIR, VG_TMUX,
// VG_CACHE_TEST_WRITER, VG_MICROVM_BOOT_TIMEOUT, VG_MICROVM_HANG_TIMEOUT,
// VG_MICROVM_KERNEL_ARGS, VG_GUEST_AGENT, VG_GUEST_KERNEL_DEB. Any other
// VG_* variable gets a note with "did you mean".
#include "config/env_vars.hpp"

#include <array>

namespace vg::config {
namespace {

constexpr std::array<EnvVar, 14> k_env_vars{{
    {"VG_CONFIG", "", "an extra config file, layered after the user file"},
    {"VG_MODE", "sandbox.mode", "routing mode: always|auto|manual|disabled"},
    {"VG_RUNTIME", "sandbox.runtime", "sandbox runtime: namespace|microvm|mock"},
    {"VG_NETWORK", "sandbox.network.mode", "sandbox network: none|restricted|full"},
    {"VG_CACHE", "sandbox.enable_cache", "cache sandboxed runs: true|false"},
    {"VG_CACHE_STRATEGY", "sandbox.cache_strategy", "smart|aggressive|conservative"},
    {"VG_CACHE_TTL", "sandbox.cache_ttl", "cache entry lifetime, e.g. 7d"},
    {"VG_CACHE_SIZE", "sandbox.cache_size", "cache size limit, e.g. 1GiB"},
    {"VG_BLOCK_CRITICAL", "sandbox.block_critical", "refuse critical commands in every mode: true|false"},
    {"VG_ASK_FALLBACK", "sandbox.ask_fallback", "answer when vg cannot ask: host|sandbox|refuse"},
    {"VG_FALLBACK", "sandbox.fallback", "when the sandbox cannot start: none|host"},
    {"VG_TIMEOUT", "sandbox.resources.timeout", "wall-time limit of a sandboxed run, e.g. 15m"},
    {"VG_AUDIT_LOG", "audit.path", "audit log file"},
    {"VG_MICROVM_ACCEL", "microvm.accel", "microVM accelerator: auto|kvm|tcg|require-kvm"},
}};

constexpr std::array<std::string_view, 15> k_non_config{
    "VG_ACTIVE",          "VG_BIN",
    "VG_SOURCE_DIR",      "VG_NPM_TARBALLS",
    "VG_HOOK",            "VG_OFF",
    "VG_DEBUG",           "VG_BUILD_DIR",
    "VG_TMUX",            "VG_CACHE_TEST_WRITER",
    "VG_MICROVM_BOOT_TIMEOUT", "VG_MICROVM_HANG_TIMEOUT",
    "VG_MICROVM_KERNEL_ARGS",  "VG_GUEST_AGENT",
    "VG_GUEST_KERNEL_DEB"};

}  // namespace

std::span<const EnvVar> env_vars() { return k_env_vars; }

bool is_non_config_env(std::string_view name) {
  if (name.rfind("VG_TEST_", 0) == 0) return true;
  for (auto n : k_non_config) {
    if (name == n) return true;
  }
  return false;
}

}  // namespace vg::config
