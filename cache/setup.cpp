#include "cache/setup.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace vg::cache {

KeyInputs key_inputs(const config::Config& config, const std::vector<std::string>& argv,
                     const std::vector<std::string>& env, const std::string& cwd,
                     const std::vector<std::string>& programs) {
  KeyInputs k;
  k.argv = argv;
  k.cwd = cwd;
  k.env = env;
  k.programs = programs;
  k.workspace = config.project_root.empty() ? cwd : config.project_root;
  k.excludes = config.sandbox.exclude;
  k.profile = profile_text(config.sandbox);
  k.stdin_tty = ::isatty(0) == 1;
  struct stat st {};
  // Anything but a terminal or /dev/null can bring data: a pipe, socket or
  // file, and a device too (a loop device read twice, /dev/urandom).
  bool dev_null = ::fstat(0, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3;
  k.stdin_data = ::fstat(0, &st) == 0 && !k.stdin_tty && !dev_null;
  k.stdout_tty = ::isatty(1) == 1;
  k.stderr_tty = ::isatty(2) == 1;
  // The command inherits it: a file it makes gets 0666 minus these bits.
  mode_t mask = ::umask(022);
  ::umask(mask);
  k.umask = mask;
  k.salt = config.sandbox.cache_salt;
  return k;
}

ExecRequest exec_request(const config::Config& config, KeyInputs key) {
  ExecRequest r;
  r.key = std::move(key);
  r.strategy = config.sandbox.cache_strategy;
  r.network_possible = config.sandbox.network.mode != config::NetworkMode::none || !config.sandbox.isolation.network;
  for (const auto& v : config.sandbox.volumes) {
    if (v.mode != config::VolumeMode::ro) r.writable_volumes = true;
  }
  return r;
}

StoreOptions store_options(const config::Config& config) {
  StoreOptions o;
  o.dir = default_store_dir();
  o.max_size = config.sandbox.cache_size;
  o.ttl_seconds = config.sandbox.cache_ttl;
  return o;
}

}  // namespace vg::cache
