#pragma once
// State shared by the subcommands of one vg invocation.

#include <time.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "config/config.hpp"

namespace CLI {
class App;
}

namespace vg {

// Where vg's own time went, printed by `--debug=stats`.
class Stats {
 public:
  using Clock = std::chrono::steady_clock;
  // Record that `what` took the time since the last mark (or since start).
  void mark(const char* what);
  void print() const;
  bool enabled = false;

 private:
  Clock::time_point m_start = Clock::now();
  Clock::time_point m_last = m_start;
  std::vector<std::pair<const char*, double>> m_marks;  // microseconds
};

// Read CLOCK_REALTIME (the fine clock).
timespec realtime_now();

// CLOCK_REALTIME when this process began, before its static constructors:
// no file time of a write made before is later.
timespec process_begun();

struct Context {
  // When vg began (the fine clock): host writes before it are the user's,
  // never a sandboxed run's (sandbox/namespace/plan.hpp, note_run_begun).
  timespec begun = process_begun();
  int exit_code = 0;
  std::vector<std::string> argv;  // as vg was started
  std::string command;            // the subcommand word ("" when none)
  int command_index = 0;          // its position in argv
  std::vector<std::string> debug;  // --debug values ("stats")
  Stats stats;
  // Command-line config overrides, dotted key -> text, fed to config::load.
  std::vector<std::pair<std::string, std::string>> config_flags;
};

// Load the layered config with the flags in `ctx`; exits with the config
// code (through vg::Fatal) on any error.
config::Config load_config_or_die(Context& ctx);


}  // namespace vg
