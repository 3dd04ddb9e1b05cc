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

// Why `ws` may not be a writable workspace, as "the home directory", "a
// system directory (/etc)"; "" when it may. `home` is the user's real home.
std::string protected_workspace(const std::string& ws, const std::string& home);

// True when `p` is `root` or below it (both absolute, without trailing '/').
bool is_within(const std::string& p, const std::string& root);

}  // namespace vg::sandbox
