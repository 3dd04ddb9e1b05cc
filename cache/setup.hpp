#pragma once
// Building the cache's inputs from the configuration, in one place, so that
// `vg exec` and `vg cache why` compute the same key for the same command.

#include <string>
#include <vector>

#include "cache/exec_cache.hpp"
#include "config/config.hpp"

namespace vg::cache {

// The key inputs of running `argv` with `env` in `cwd` under `config`;
// `programs` are further command names the parser found in the script.
KeyInputs key_inputs(const config::Config& config, const std::vector<std::string>& argv,
                     const std::vector<std::string>& env, const std::string& cwd,
                     const std::vector<std::string>& programs);

// The request for `vg exec` (strategy, network, writable volumes).
ExecRequest exec_request(const config::Config& config, KeyInputs key);

// The store options from `config` (directory, size limit, TTL).
StoreOptions store_options(const config::Config& config);

}  // namespace vg::cache
