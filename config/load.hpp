#pragma once
// Loading the layered configuration.

#include <map>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/result.hpp"

namespace vg::config {

// Inputs of one load; the defaults read the real process environment.
struct LoadOptions {
  std::string cwd;                              // empty = getcwd()
  std::map<std::string, std::string> env;       // VG_*, XDG_*, HOME; empty = environ
  bool use_process_env = true;                  // read environ when `env` is empty
  std::string system_file = "/etc/vg/config.yaml";
  // Command-line overrides, dotted key -> value text ("sandbox.mode" -> "auto").
  std::vector<std::pair<std::string, std::string>> flags;
};

// Load every layer. A problem in any layer is an Error whose message starts
// with `file:line:column: ` (or names the env variable / flag); the caller
// exits with exit_code::k_config. Never returns a half-read policy.
Result<Config> load(const LoadOptions& options);

// Directories vg uses (XDG): config, state (audit log, trust), data (cache,
// guest assets), runtime. Each respects its XDG_* variable and HOME.
struct Dirs {
  std::string config;  // $XDG_CONFIG_HOME/vg
  std::string state;   // $XDG_STATE_HOME/vg
  std::string data;    // $XDG_DATA_HOME/vg
  std::string cache;   // $XDG_CACHE_HOME/vg
};
Dirs dirs(const std::map<std::string, std::string>& env = {});

}  // namespace vg::config
