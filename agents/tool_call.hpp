#pragma once
// Reading one pre-tool hook payload: the shell command an agent is about to
// run, where, and the ids that name the call.

#include <cstddef>
#include <string>
#include <string_view>

#include "agents/harness.hpp"
#include "config/result.hpp"
#include "router/json_read.hpp"

namespace vg::agents {

// The most vg reads of one payload; a larger one is refused unread.
inline constexpr std::size_t k_max_payload = 1u << 20;

// One shell command an agent asked to run.
struct ToolCall {
  Harness harness = Harness::claude_code;
  std::string command;      // the command line, as the harness will hand it to a shell
  std::string cwd;          // absolute: where it runs
  std::string session_id;   // session_id (Cursor: conversation_id); "" when absent
  std::string tool_use_id;  // tool_use_id (Cursor: generation_id); "" when absent
  router::Json tool_input;  // the tool's whole input object (empty for Cursor)
};

// Parse the payload `text` of harness `h`. Fails on anything vg cannot be
// sure of: more than k_max_payload bytes, invalid JSON, a member named twice,
// another event or tool, a missing or mistyped command or cwd, a relative
// cwd, a NUL byte in the command. The Error says which, for the agent to read.
Result<ToolCall> parse_tool_call(Harness h, std::string_view text);

}  // namespace vg::agents
