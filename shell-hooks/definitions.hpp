#pragma once
// What the interactive shell knows that vg does not: the names it runs
// itself, and the aliases and functions the typed line uses. The hook sends
// them on stdin; vg expands the aliases into the planned text and assesses
// the function bodies, so a refused command hidden in either is refused.
//
// Stdin format (written by shell-hooks/init.*):
//   NAME\n ...           builtins, keywords and functions, one a line
//   \0                   end of the names (optional)
//   KIND\0NAME\0TEXT\0   repeated; KIND is "alias" (TEXT = its value) or
//                        "function" (TEXT = the definition as the shell prints it)

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "shell-hooks/plan.hpp"

namespace vg::hooks {

// The aliases and functions the hook sent.
struct Definitions {
  std::map<std::string, std::string> aliases;    // name -> value
  std::map<std::string, std::string> functions;  // name -> definition as printed by the shell
};

// Everything the hook sends on stdin.
struct HookInput {
  std::unordered_set<std::string> names;
  Definitions definitions;
};

// Parse the hook's stdin (see the format above). Malformed records are skipped.
HookInput parse_hook_input(std::string_view text);

// The commands of a function, without the header the shell printed around
// them (`f () {` ... `}` for bash, `function f` ... `end` for fish; zsh
// sends the body alone).
std::string function_body(Shell shell, std::string_view definition);

// Replace each plain (unquoted) alias word in command position of `line`
// (`commands` are the assessed commands of `line`) by its value, the way
// the shell would; an alias whose value ends in a blank makes the next word
// a candidate too. Names in `expanded` are not expanded again (the shell
// never expands an alias inside its own value) and every name expanded now
// is added to it. nullopt when nothing was expanded.
std::optional<std::string> expand_aliases(std::string_view line, const std::vector<Command>& commands,
                                          const std::map<std::string, std::string>& aliases,
                                          std::set<std::string>& expanded);

}  // namespace vg::hooks
