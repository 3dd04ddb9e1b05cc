#include "sandbox/host.hpp"

#include <spawn.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "config/exit_codes.hpp"
#include "sandbox/supervise.hpp"

namespace vg::sandbox {

namespace {
std::vector<char*> c_strings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}
}  // namespace

int run_on_host(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  if (argv.empty()) return exit_code::k_usage;
  SignalGuard guard;

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // The child starts with vg's original signal mask and default dispositions.
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int s : k_forwarded_signals) sigaddset(&defaults, s);
  sigaddset(&defaults, SIGCHLD);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &guard.previous());
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  auto args = c_strings(argv);
  auto envp = c_strings(env);
  pid_t pid = -1;
  int err = posix_spawnp(&pid, args[0], nullptr, &attr, args.data(), envp.data());
  posix_spawnattr_destroy(&attr);
  if (err != 0) {
    bool missing = err == ENOENT || err == ENOTDIR;
    std::fprintf(stderr, "vg: %s: %s\n", argv[0].c_str(), missing ? "command not found" : std::strerror(err));
    return missing ? exit_code::k_not_found : exit_code::k_not_executable;
  }
  return supervise(guard, pid, pid);
}

}  // namespace vg::sandbox
