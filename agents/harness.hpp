#pragma once
// The coding agents vg sits in front of, and what differs between their
// hook protocols. Sources of each fact are in tests/agents/fixtures/SOURCES.md.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vg::agents {

enum class Harness { claude_code, codex, gemini, cursor };

// What a harness lets a pre-tool hook do.
struct Abilities {
  bool ask = false;      // it has its own "ask the user" answer
  bool rewrite = false;  // it runs a rewritten command (vg trusts the rewrite to land)
};

// Return the name used on vg's command line ("claude-code", "codex", ...).
const char* to_string(Harness h);

// Return the harness named `name`, or nullopt.
std::optional<Harness> parse_harness(std::string_view name);

// Every harness, in the order vg lists them.
const std::vector<Harness>& all_harnesses();

// Return what `h` lets a hook do. Codex parses `ask` and, in older versions,
// `updatedInput` but fails open on them (runs the original command), so vg
// uses neither there; Gemini CLI documents only allow and deny.
Abilities abilities(Harness h);

// Return the event name in the payload ("PreToolUse", "BeforeTool", "beforeShellExecution").
const char* event_name(Harness h);

// Return the tool name the hook is registered for ("Bash", "run_shell_command";
// "" for Cursor, whose event is for shell commands only).
const char* shell_tool(Harness h);

}  // namespace vg::agents
