#pragma once
// What no sandbox may read or write, whatever the backend: the secrets in a
// user's home (keys, tokens, credentials, shell histories), vg's own files
// (its configuration, trust store, cache and audit log), and the
// directories that may not be a writable workspace (the root, system
// directories, the home or above it, a directory holding vg's files).

#include <string>
#include <vector>

namespace vg::sandbox {

// The home-relative secrets hidden wherever a sandbox can see them.
const std::vector<std::string>& home_secret_paths();

// vg's own directories (configuration, state, data, cache), as given and
// as real paths.
std::vector<std::string> vg_own_dirs();

// What a workspace is, for what the sandbox may show and write of it.
enum class WorkspaceKind {
  project,   // a writable workspace
  root,      // "/"
  system,    // a system directory (/etc, /usr/lib, /var, /tmp, /root...)
  home,      // the home directory or one above it
  vg_files,  // a directory that holds vg's own files
};

struct WorkspaceVerdict {
  WorkspaceKind kind = WorkspaceKind::project;
  std::string why;  // "the home directory", "a system directory (/etc)"; "" for a project
};

// Classify `ws`; `home` is the user's real home.
WorkspaceVerdict classify_workspace(const std::string& ws, const std::string& home);

// Why `ws` may not be a writable workspace ("" when it may).
inline std::string protected_workspace(const std::string& ws, const std::string& home) {
  return classify_workspace(ws, home).why;
}

// `p` with every link resolved ("" when it cannot be).
std::string real_path(const std::string& p);

// The user's real home: $HOME of `env` ("K=V"), else vg's own.
std::string real_home(const std::vector<std::string>& env = {});

// True when `p` is `root` or below it (both absolute, without trailing '/').
bool is_within(const std::string& p, const std::string& root);

}  // namespace vg::sandbox
