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

// One config file that load() considered, for `vg config path`.
struct ConsideredFile {
  enum class State { read, missing, trusted, untrusted };
  std::string path;
  std::string layer;  // "system", "user", "VG_CONFIG", "repository"
  State state = State::missing;
};

// What load() looked at, besides the result.
struct LoadTrace {
  std::vector<ConsideredFile> files;  // in layer order
};

// Load every layer like load(options), and fill `trace` (this also checks
// whether a repository config is trusted even when it only tightens).
Result<Config> load(const LoadOptions& options, LoadTrace& trace);

// Validate the single file `path` on top of the built-in defaults, as a
// user file (no repository rule); errors as in load().
Result<Config> check_file(const std::string& path, const LoadOptions& options);

// Directories vg uses (XDG): config, state (audit log, trust), data (cache,
// guest assets), runtime. Each respects its XDG_* variable and HOME.
struct Dirs {
  std::string config;  // $XDG_CONFIG_HOME/vg
  std::string state;   // $XDG_STATE_HOME/vg
  std::string data;    // $XDG_DATA_HOME/vg
  std::string cache;   // $XDG_CACHE_HOME/vg
};
Dirs dirs(const std::map<std::string, std::string>& env = {});

// Return the trust store of repository configs: `dirs(env).state`/trusted-configs.
std::string trust_store_file(const std::map<std::string, std::string>& env = {});

}  // namespace vg::config
