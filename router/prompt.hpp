#pragma once
// Talking to the person at the terminal: the `ask` prompt and the text of a
// refusal. Both write to /dev/tty or stderr, never to stdout.

#include <optional>
#include <string>

#include "risk/assessment.hpp"
#include "router/decide.hpp"

namespace vg::router {

// What the person answered.
enum class Answer { host, sandbox, refuse };

// Ask on /dev/tty whether to run `command` (showing its findings and
// `reason`): on the host, in the sandbox, or not at all (the default).
// nullopt when there is no terminal to ask on.
std::optional<Answer> ask_on_terminal(const std::string& command, const risk::Assessment& assessment,
                                      const std::string& reason);

// Return the findings of `assessment` as lines "  LEVEL  rule: why [command]".
std::string findings_text(const risk::Assessment& assessment);

// Return the message for a refused command: what, the rules, why, how to proceed.
std::string refusal_text(const std::string& command, const risk::Assessment& assessment, const std::string& reason,
                         const std::string& hint);

}  // namespace vg::router
