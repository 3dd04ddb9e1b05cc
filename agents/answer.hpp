#pragma once
// vg's ruling on one tool call, and the answer each harness expects for it.

#include <string>

#include "agents/harness.hpp"
#include "agents/tool_call.hpp"
#include "config/config.hpp"
#include "router/decide.hpp"

namespace vg::agents {

// What vg decided, in the router's terms.
struct Ruling {
  router::Route route = router::Route::refuse;
  std::string why;        // one line: the router's reason
  std::string findings;   // the findings, one per line ("" when none)
  std::string hint;       // refuse: how to proceed
  config::Action ask_fallback = config::Action::refuse;  // for a harness that cannot ask
  std::string sandboxed;  // the command rewritten to run in vg's sandbox
};

// What the hook answers, harness-neutral.
enum class Decision { allow, rewrite, ask, deny };

struct Answer {
  Decision decision = Decision::deny;
  std::string reason;   // for the agent (and the person, where the harness shows it)
  std::string command;  // Decision::rewrite: the command to run instead
  std::string route;    // what the audit log records: host | sandbox | ask | refuse
};

// Map `ruling` onto what harness `h` can do: host -> allow; sandbox -> a
// rewrite where `h` can rewrite, else deny naming the command to run instead;
// ask -> `h`'s own ask, else the ask_fallback; refuse -> deny with the reason
// and how to proceed.
Answer answer_for(Harness h, const Ruling& ruling);

// Return an answer denying the call because vg could not read or judge it (`problem`).
Answer unreadable(const std::string& problem);

// Return the JSON line harness `h` reads for `answer` on stdout. `call` (may
// be null when the payload was unreadable) supplies the tool input that a
// rewrite keeps.
std::string answer_text(Harness h, const ToolCall* call, const Answer& answer);

}  // namespace vg::agents
