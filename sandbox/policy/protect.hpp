#pragma once
// Protected paths: what a run may not write, because the host would later
// run it or take it as configuration without anyone asking. A sandboxed
// `git config core.fsmonitor CMD` is a command the next host `git status`
// runs; a planted `.git/hooks/pre-commit`, `.envrc`, `.vscode/tasks.json`,
// agent settings (`.claude/`, `.mcp.json`) or a shell rc file are the same.
// Such changes are refused (and kept in the quarantine) with what they would
// have done, unless `sandbox.allow_protected` names them.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sandbox/policy/write_set.hpp"

namespace vg::sandbox::policy {

// Paths refused whatever their content (glob_match patterns).
const std::vector<std::string>& builtin_protected_patterns();

// The host's own ways to reach a protected path under another name, read
// once per commit: a protected name that is a link (.vscode ->
// tools/vscode, .npmrc -> npmrc.shared, .git/hooks/pre-commit ->
// ../../scripts/pre-commit.sh) protects what it leads to; core.hooksPath
// protects its directory (.husky).
struct HostIndirections {
  std::vector<std::pair<std::string, std::string>> led_to;  // path beneath the root, what leads there ('.vscode')
  std::vector<std::string> hook_dirs;
  // Directories already asked whether they are a git directory (a bare
  // repository, found by content), for the commit's items.
  mutable std::map<std::string, bool> git_dirs;
};
HostIndirections host_indirections(int target_fd);

// Why the change `it` may not land: what the host would do with it, and how
// to accept it; "" when it is not protected or `allowed` names it.
// `upper_fd` holds the run's version (a git config is read to say which of
// its settings would run a command), `target_fd` the host's. Inside a git
// directory only what git keeps as data may change (git_rules.hpp).
std::string protected_change(const Item& it, int upper_fd, int target_fd, const std::vector<std::string>& allowed,
                             const HostIndirections& host);

// The settings of git config `text` that make git run a command or work
// elsewhere ("core.fsmonitor would run 'CMD'"), one line each.
std::vector<std::string> git_config_commands(const std::string& text);

}  // namespace vg::sandbox::policy
