#pragma once
// What is connected, and whether it answers: `vg connect --status`, and the
// function `vg doctor` calls for the same report.

#include <string>
#include <vector>

#include "agents/harness.hpp"
#include "agents/settings.hpp"

namespace vg::agents {

// One settings file that holds a vg hook.
struct Connection {
  Harness harness = Harness::claude_code;
  Scope scope = Scope::user;
  std::string path;     // the settings file
  std::string command;  // the hook command found in it
  bool answered = false;  // both round trips gave a well-formed answer of the expected kind
  std::string detail;     // what the round trips answered, or what went wrong
  double ms = 0;          // the slower round trip's wall time
};

// Return every vg hook found in the settings files of `places` (user and
// project scope, every harness). With `round_trip`, run each hook as its
// harness would (its command through /bin/sh, in `places.project`) twice: a
// harmless command must get a well-formed answer and `rm -rf /` a denial.
std::vector<Connection> connection_status(const Places& places, bool round_trip);

// Run `command` through /bin/sh in `cwd` with `input` on stdin; its stdout in
// `out`. Returns false (with `error` set) when it could not run, timed out
// after `timeout_ms`, or exited non-zero.
bool run_hook_command(const std::string& command, const std::string& cwd, const std::string& input,
                      int timeout_ms, std::string& out, std::string& error);

// Return a documented-shape sample payload for `h` asking to run `command` in `cwd`.
std::string sample_payload(Harness h, const std::string& command, const std::string& cwd);

// Return the decision in a hook answer of `h` ("allow", "deny", "ask",
// "rewrite", "none"), or "" when the answer is not well-formed.
std::string answer_decision(Harness h, const std::string& answer);

}  // namespace vg::agents
