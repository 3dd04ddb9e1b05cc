#pragma once
// Protected paths: what a run may not write, because the host would later
// run it or take it as configuration without anyone asking. A sandboxed
// `git config core.fsmonitor CMD` is a command the next host `git status`
// runs; a planted `.git/hooks/pre-commit`, `.envrc`, `.vscode/tasks.json`,
// agent settings (`.claude/`, `.mcp.json`) or a shell rc file are the same.
// Such changes are refused (and kept in the quarantine) with what they would
// have done, unless `sandbox.allow_protected` names them.

#include <string>
#include <vector>

#include "sandbox/policy/write_set.hpp"

namespace vg::sandbox::policy {

// Paths refused whatever their content (glob_match patterns).
const std::vector<std::string>& builtin_protected_patterns();

// Why the change `it` may not land: what the host would do with it, and how
// to accept it; "" when it is not protected or `allowed` names it.
// `upper_fd` holds the run's version (a git config is read to say which of
// its settings would run a command), `target_fd` the host's.
std::string protected_change(const Item& it, int upper_fd, int target_fd, const std::vector<std::string>& allowed);

// The settings of git config `text` that make git run a command or work
// elsewhere ("core.fsmonitor would run 'CMD'"), one line each.
std::vector<std::string> git_config_commands(const std::string& text);

}  // namespace vg::sandbox::policy
