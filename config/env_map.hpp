#pragma once
// The environment as load() sees it: a map, so tests never touch the real one.

#include <map>
#include <string>

#include "config/load.hpp"

namespace vg::config {

using EnvMap = std::map<std::string, std::string>;

// Return the VG_*, XDG_* and HOME variables of this process.
EnvMap process_env();

// Return the value of `name` in `env`, or "".
std::string env_get(const EnvMap& env, const std::string& name);

// Return $HOME from `env`, else the passwd entry of the current user.
std::string home_dir(const EnvMap& env);

// Return the XDG directories computed from `env` only.
Dirs dirs_for(const EnvMap& env);

}  // namespace vg::config
