#pragma once
// The shell hook's plan for one typed line: run it natively, rewrite it so
// that only the words that resolve to external programs go through
// `vg exec --`, ask first, or refuse it whole. Pure logic: the caller brings
// the risk engine's command spans and the router's route.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace vg::hooks {

enum class Shell { bash, zsh, fish };

// Parse "bash" / "zsh" / "fish"; nullopt otherwise.
std::optional<Shell> parse_shell(std::string_view name);
// Name of `shell` as typed.
const char* to_string(Shell shell);

enum class Verdict { native, wrap, ask, refuse };
// Name of `verdict` as printed on the plan's first line.
const char* to_string(Verdict verdict);

// The route the router chose for the whole line.
enum class LineRoute { host, sandbox, ask, refuse };

// One simple command of the line (from risk::CommandWord).
struct Command {
  std::string name;               // argv[0] after quote removal
  std::size_t begin = 0;          // byte span of the command word
  std::size_t end = 0;
  std::size_t command_begin = 0;  // byte span of the whole simple command
  std::size_t command_end = 0;
};

// One risk finding's byte span (from risk::Finding).
struct FindingSpan {
  std::string rule;
  std::size_t begin = 0;
  std::size_t end = 0;
};

// The route of a shell function's body that the line calls: the body runs
// inside the interactive shell, where vg cannot wrap its parts.
struct BodyRoute {
  std::string function;
  LineRoute route = LineRoute::host;
  std::string reason;  // the router's one line for the body
};

// Whether `\cmd` / `command cmd` may skip vg.
enum class Bypass { allowed, denied };

struct PlanInput {
  std::string_view line;
  std::vector<Command> commands;
  std::vector<FindingSpan> findings;
  bool understood = true;
  LineRoute route = LineRoute::host;
  std::string route_reason;  // the router's one line
  // Names the interactive shell runs itself: builtins, keywords, functions, aliases.
  std::unordered_set<std::string> shell_names;
  Bypass bypass = Bypass::allowed;
  bool sandbox_flag = false;  // wrap with `vg exec --sandbox --` (the line's route is the sandbox)
  // Aliases left in `line` after expansion (an alias used inside its own
  // value): a rewrite puts `\` before them so the shell does not expand them twice.
  std::unordered_set<std::string> alias_names;
  std::vector<BodyRoute> bodies;  // functions the line calls, with their bodies' routes
};

// What the hook does with the line.
struct Plan {
  Verdict verdict = Verdict::refuse;
  std::string text;                 // the line to run (wrap / ask)
  std::string reason;               // refuse / ask: one line for the user
  std::vector<std::string> notes;   // extra lines for stderr
};

// Decide the plan for `input`.
Plan make_plan(const PlanInput& input);

// Return `line` with fish's command prefixes (`and`, `or`, `not`, `begin`)
// blanked out in command position, byte offsets unchanged, so that a bash
// reader sees the command that follows them.
std::string blank_fish_prefixes(std::string_view line);

// Parse the newline-separated name list the hook passes in `_VG_NAMES`.
std::unordered_set<std::string> parse_names(std::string_view text);

}  // namespace vg::hooks
