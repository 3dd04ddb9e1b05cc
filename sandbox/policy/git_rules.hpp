#pragma once
// What a run may change inside a git directory, and which git settings it
// may add. Both are lists of what is known to be inert, not of what is known
// to be dangerous: git keeps finding new ways to run a command (ext::
// remotes, gpg.ssh.defaultKeyCommand, submodule.*.update = !cmd, a
// commondir that moves the config and hooks), so anything not listed is
// refused and kept aside.

#include <string>
#include <utility>
#include <vector>

namespace vg::sandbox::policy {

// Why a change at `inner` (a path below a `.git` directory, "objects/ab/cd",
// "modules/lib/HEAD") of a non-directory may not land; "" when git only
// keeps data there. `config` files are judged by their settings instead
// (git_setting_verdict), so they are "" here.
std::string git_internal_verdict(const std::string& inner, const std::string& content);

// True when `inner` is a git config file of a git directory ("config",
// "config.worktree", "modules/NAME/config", "worktrees/NAME/config.worktree").
bool is_git_config_file(const std::string& inner);

// Every key = value of a git config, keys as "section.sub.name" lowercased.
std::vector<std::pair<std::string, std::string>> git_config_entries(const std::string& text);

// What git would do with `key` = `value` that a run may not set: a line
// ("core.fsmonitor would run 'touch /tmp/x' on your next git command", "git
// setting 'gpg.format = ssh' is not one vg knows to be inert"); "" when the
// setting is inert (user.name, remote.origin.url = https://..., branch.*).
std::string git_setting_verdict(const std::string& key, const std::string& value);

}  // namespace vg::sandbox::policy
