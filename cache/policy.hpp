#pragma once
// Which runs may be stored and which stored runs may be replayed, by
// strategy (sandbox.cache_strategy):
//
//   smart (default)  Stores a run only when its trace is complete (every
//                    path it used is known, so it is keyed on them), and
//                    unless it used (or could have used) the network, read
//                    the terminal, was killed or timed out, left processes
//                    behind, wrote outside the workspace, had an input change
//                    while it ran (by another process), ran a
//                    non-deterministic command (date, uuidgen, mktemp, ...,
//                    named on its command line or executed by any of its
//                    processes), opened a source of chance or time
//                    (/dev/urandom, /proc/uptime, /proc/loadavg), drew
//                    randomness (getrandom) without being a known-deterministic
//                    tool (deterministic_tools(): compilers, build tools,
//                    linters, formatters, type checkers, test runners), or
//                    printed more than 256 MiB. Failed runs (exit != 0) are
//                    stored for `vg cache show` but not replayed.
//   conservative     As smart, and not runs that modified or deleted a file
//                    that existed before they started.
//   aggressive       Also stores runs whose trace is incomplete (keyed on the
//                    whole workspace; files outside it are assumed stable),
//                    that used the network, drew randomness or modified their
//                    inputs, and replays failed runs.
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
  bool inputs_changed = false;    // the workspace (or a traced input) changed under the run
  std::string changed_input;      // which, when known
  bool modified_inputs = false;   // the run modified/deleted pre-existing files
  bool output_overflow = false;
  bool traced = false;            // every input was traced
  std::string untraced_reason;    // why not (from the tracer)
  std::string nondeterministic;   // the offending command name or file, if any
  std::string entropy;            // "getrandom" when the run drew randomness
  std::string deterministic_tool; // the known-deterministic tool the command is, if any
};

// The decision on a finished run.
struct Decision {
  bool store = false;
  std::string reason;  // why not ("network", "killed", ...): a counter name suffix
  std::string detail;  // what made it so ("date", "could not resolve /x/../y"), when known
};

// Decide whether a run with `facts` is stored under `strategy`.
Decision decide(const RunFacts& facts, config::CacheStrategy strategy);

// True when `entry` may be replayed under `strategy` (failed runs and runs
// keyed on the whole workspace, untraced: aggressive only).
bool replayable(const Entry& entry, config::CacheStrategy strategy);

// Why `entry` is not replayed under `strategy` ("" when it is).
std::string not_replayable_reason(const Entry& entry, config::CacheStrategy strategy);

// Return the first word of `argv` (and of a `sh -c` script's text) that is a
// known non-deterministic command, or "". Over-approximates on purpose.
std::string find_nondeterministic(const std::vector<std::string>& argv, const std::vector<std::string>& programs);

// The built-in list of non-deterministic commands.
const std::vector<std::string_view>& nondeterministic_commands();

// The first of `executed` (base names of programs a run executed) that is a
// known non-deterministic command, or "".
std::string find_nondeterministic_executed(const std::vector<std::string>& executed);

// The known-deterministic tool `argv` runs ("gcc", "npm test", "node --test",
// "pytest"...), looking through a `sh -c` script's first word and through
// launchers (npx, npm/yarn/pnpm run|test, python -m, node, env); "" when
// none. Such a tool's draws of randomness (hash seeds) are taken not to
// reach its results.
std::string find_deterministic_tool(const std::vector<std::string>& argv);

// The built-in list of known-deterministic tools (compilers, build tools,
// linters, formatters, type checkers, test runners).
const std::vector<std::string_view>& deterministic_tools();

}  // namespace vg::cache
