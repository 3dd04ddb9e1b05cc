#pragma once
// The sandbox route through the result cache. Two builds implement it:
//   vg/full/cached_run.cpp   replays or runs and stores (links RocksDB);
//   vg/light/cached_run.cpp  hands the command to `vg-full` beside `vg`.
// The light `vg` is what runs before every command, so RocksDB's start-up
// (a third of a host run's instructions when it was linked in) is paid only
// by the runs that use the cache.

#include <functional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "sandbox/launcher.hpp"
#include "vg/context.hpp"

namespace vg {

// One sandboxed run that may be replayed from, or stored in, the cache.
struct CachedRun {
  const config::Config& config;
  const sandbox::Spec& spec;
  sandbox::Launcher& launcher;
  const std::vector<std::string>& executables;  // resolved programs the command runs (risk::Assessment)
  bool refresh = false;                          // run again and replace a stored result
  std::function<void()> before_run;              // called once, right before output starts
};

// How it went.
struct CachedOutcome {
  int exit_code = 0;
  bool hit = false;          // replayed from the cache
  std::string not_stored;    // why a run was not stored ("reason" or "reason: detail"; "" when it was)
  std::string unavailable;   // set when the sandbox could not start (exit_code unused)
  bool no_cache = false;     // this build cannot use the cache: run uncached
};

// In the light build, become `vg-full` now, before the command is assessed,
// when it will almost surely take the cached sandbox route (mode `always`,
// or --sandbox): vg-full then assesses it once instead of both doing it.
// Returns (and does nothing) in vg-full, or when vg-full cannot be run.
void hand_off_early(Context& ctx);

// Replay, or run and store. Does not return in the light build when
// `vg-full` is present (the process becomes `vg-full`).
CachedOutcome run_cached(Context& ctx, const CachedRun& run);

}  // namespace vg
