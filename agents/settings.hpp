#pragma once
// vg's hook in a harness's settings file: where the file is, and merging the
// hook in or out without disturbing anything else in it.

#include <string>
#include <vector>

#include "agents/harness.hpp"
#include "config/result.hpp"

namespace vg::agents {

// Which settings file: the user's (every project) or the project's.
enum class Scope { user, project };

const char* to_string(Scope s);

// Where the settings files live.
struct Places {
  std::string home;        // $HOME
  std::string project;     // the project root
  std::string codex_home;  // $CODEX_HOME, else home/.codex
};

// Return the settings file of `h` for `scope`: .claude/settings.json,
// .codex/hooks.json, .gemini/settings.json, .cursor/hooks.json, below the
// home (Codex: codex_home) or the project.
std::string settings_path(Harness h, Scope scope, const Places& places);

// Return the project root for `cwd`: the nearest directory holding .git, else `cwd`.
std::string project_root(const std::string& cwd);

// Return the hook command vg installs for `h`: "VG hook HARNESS".
std::string hook_command(Harness h, const std::string& vg_path);

// True when `command` runs some vg's hook for `h` ("/any/path/vg hook codex").
bool is_vg_hook(Harness h, const std::string& command);

// A settings file's new text.
struct Edit {
  std::string text;      // the whole new file ("" with `remove`)
  bool changed = false;  // differs from what was there
  bool remove = false;   // nothing is left in it but what vg added: delete the file
};

// Merge the hook `command` for `h` into `existing` (the file's text; "" when
// it does not exist). Idempotent: a file that already has exactly this hook
// is unchanged; a vg hook of another path is replaced. Other hooks and
// settings are kept in place. An Error when the file is not JSON or its
// "hooks" are not the documented shape (vg then leaves it alone).
Result<Edit> connect_settings(Harness h, const std::string& existing, const std::string& command);

// Remove every vg hook for `h` from `existing`, and the containers that held
// only it; `remove` when nothing else is left.
Result<Edit> disconnect_settings(Harness h, const std::string& existing);

// Return the first of `earlier` (texts the file had before, newest first)
// that holds the same JSON as `text`, else `text`: removing vg's hook gives
// back the file as it was written, its own layout included.
std::string as_written_before(const std::string& text, const std::vector<std::string>& earlier);

// Return the vg hook commands for `h` found in `text` (in the hook's event,
// whatever the group's matcher).
std::vector<std::string> vg_hooks_in(Harness h, const std::string& text);

}  // namespace vg::agents
