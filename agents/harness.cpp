#include "agents/harness.hpp"

namespace vg::agents {

const char* to_string(Harness h) {
  switch (h) {
    case Harness::claude_code: return "claude-code";
    case Harness::codex: return "codex";
    case Harness::gemini: return "gemini";
    case Harness::cursor: return "cursor";
  }
  return "?";
}

std::optional<Harness> parse_harness(std::string_view name) {
  for (Harness h : all_harnesses()) {
    if (name == to_string(h)) return h;
  }
  return std::nullopt;
}

const std::vector<Harness>& all_harnesses() {
  static const std::vector<Harness> k_all{Harness::claude_code, Harness::codex, Harness::gemini, Harness::cursor};
  return k_all;
}

Abilities abilities(Harness h) {
  switch (h) {
    case Harness::claude_code: return {true, true};
    case Harness::codex: return {false, false};
    case Harness::gemini: return {false, true};
    case Harness::cursor: return {true, false};
  }
  return {};
}

const char* event_name(Harness h) {
  switch (h) {
    case Harness::claude_code:
    case Harness::codex: return "PreToolUse";
    case Harness::gemini: return "BeforeTool";
    case Harness::cursor: return "beforeShellExecution";
  }
  return "";
}

const char* shell_tool(Harness h) {
  switch (h) {
    case Harness::claude_code:
    case Harness::codex: return "Bash";
    case Harness::gemini: return "run_shell_command";
    case Harness::cursor: return "";
  }
  return "";
}

}  // namespace vg::agents
