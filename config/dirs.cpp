// XDG base directories (https://specifications.freedesktop.org/basedir-spec):
// a relative or empty XDG_* value is ignored, as the spec says.
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "config/env_map.hpp"
#include "config/load.hpp"

extern char** environ;

namespace vg::config {

EnvMap process_env() {
  EnvMap env;
  for (char** e = environ; *e; ++e) {
    std::string_view entry(*e);
    bool wanted = entry.rfind("VG_", 0) == 0 || entry.rfind("XDG_", 0) == 0 || entry.rfind("HOME=", 0) == 0;
    if (!wanted) continue;
    auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return env;
}

std::string env_get(const EnvMap& env, const std::string& name) {
  auto it = env.find(name);
  return it == env.end() ? std::string() : it->second;
}

std::string home_dir(const EnvMap& env) {
  std::string home = env_get(env, "HOME");
  if (!home.empty()) return home;
  if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_dir) return pw->pw_dir;
  return "/";
}

Dirs dirs_for(const EnvMap& env) {
  std::string home = home_dir(env);
  auto xdg = [&](const char* var, const char* fallback) {
    std::string v = env_get(env, var);
    if (v.empty() || v[0] != '/') v = home + fallback;
    return v + "/vg";
  };
  return Dirs{xdg("XDG_CONFIG_HOME", "/.config"), xdg("XDG_STATE_HOME", "/.local/state"),
              xdg("XDG_DATA_HOME", "/.local/share"), xdg("XDG_CACHE_HOME", "/.cache")};
}

Dirs dirs(const std::map<std::string, std::string>& env) { return dirs_for(env.empty() ? process_env() : env); }

std::string trust_store_file(const std::map<std::string, std::string>& env) {
  return dirs(env).state + "/trusted-configs";
}

}  // namespace vg::config
