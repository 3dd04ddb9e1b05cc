#pragma once
// The fixed table of VG_* environment variables that set config keys.
// The README's table is written from config/env_vars.cpp.

#include <span>
#include <string_view>

namespace vg::config {

// One environment variable and the dotted key it sets.
struct EnvVar {
  const char* name;  // "VG_MODE"
  const char* key;   // "sandbox.mode"; empty for VG_CONFIG (an extra file)
  const char* help;  // one line for the README and `vg config show`
};

// Return every VG_* variable that is configuration, in layer order.
std::span<const EnvVar> env_vars();

// Return whether `name` is a VG_* variable that is not configuration
// (VG_ACTIVE, VG_BIN, VG_DEBUG, VG_TEST_*, ...) and must be ignored.
bool is_non_config_env(std::string_view name);

}  // namespace vg::config
