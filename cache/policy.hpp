#pragma once
// Which runs may be stored and which stored runs may be replayed, by
// strategy (sandbox.cache_strategy):
//
//   smart (default)  Stores a run unless it used (or could have used) the
//                    network, read the terminal, was killed or timed out,
//                    left processes behind, wrote outside the workspace,
//                    had an input change while it ran, modified or deleted a
//                    file that existed before it started (its own input), ran
//                    a non-deterministic command (date, uuidgen, mktemp, ...),
//                    or printed more than 256 MiB. Inputs are the whole
//                    workspace, the programs run and the environment; files
//                    read from outside the workspace are assumed stable
//                    (system files, toolchains). Failed runs (exit != 0) are
//                    stored for `vg cache show` but not replayed.
//   conservative     As smart, and only runs whose every input was traced.
//                    Until input tracing lands this stores nothing.
//   aggressive       Also stores runs that used the network or modified
//                    their inputs, and replays failed runs.
// Killed, timed-out, terminal-reading, lingering and escaping runs are never
// stored, whatever the strategy.

#include <string>
#include <string_view>
#include <vector>

#include "cache/entry.hpp"
#include "config/config.hpp"

namespace vg::cache {

// What is known about a finished run.
struct RunFacts {
  int exit_code = 0;
  bool signaled = false;
  bool timed_out = false;
  bool used_network = false;      // the backend saw network use
  bool network_possible = false;  // the profile gave it a network
  bool read_terminal = false;
  bool left_processes = false;
  bool wrote_outside = false;     // a change outside the workspace (refused or not)
  bool inputs_changed = false;    // the workspace changed under the run
  bool modified_inputs = false;   // the run modified/deleted pre-existing files
  bool output_overflow = false;
  bool traced = false;            // every input was traced
  std::string nondeterministic;   // the offending command name, if any
};

// The decision on a finished run.
struct Decision {
  bool store = false;
  std::string reason;  // why not ("network", "killed", ...): a counter name suffix
};

// Decide whether a run with `facts` is stored under `strategy`.
Decision decide(const RunFacts& facts, config::CacheStrategy strategy);

// True when `entry` may be replayed under `strategy` (failed runs: aggressive only).
bool replayable(const Entry& entry, config::CacheStrategy strategy);

// Return the first word of `argv` (and of a `sh -c` script's text) that is a
// known non-deterministic command, or "". Over-approximates on purpose.
std::string find_nondeterministic(const std::vector<std::string>& argv, const std::vector<std::string>& programs);

// The built-in list of non-deterministic commands.
const std::vector<std::string_view>& nondeterministic_commands();

}  // namespace vg::cache
