#pragma once
// vg's private runtime directory for microVMs: sockets, console logs and
// per-run scratch space, owned by the user and mode 0700. Per-run
// directories carry their creator's pid and pid namespace, so a later vg
// removes those a killed one left behind (sandbox/namespace/sweep.hpp).

#include <string>

#include "config/result.hpp"

namespace vg::sandbox::microvm {

// `$XDG_RUNTIME_DIR/vg/microvm`, else `/tmp/vg-<uid>/microvm`; created 0700
// and checked to be a directory owned by the caller (never a symlink).
Result<std::string> runtime_dir();

// A fresh private directory `<runtime_dir>/<prefix>-<pid>-<pidns>-XXXXXX`,
// made after removing the `<prefix>-` directories whose creator is gone.
Result<std::string> make_run_dir(const std::string& prefix);

// A fresh directory `<parent>/<prefix><pid>-<pidns>-XXXXXX` (mode 0700),
// made after removing the `<prefix>` directories in `parent` whose creator
// is gone (a vg killed while it built there).
Result<std::string> make_owned_dir(const std::string& parent, const std::string& prefix);

}  // namespace vg::sandbox::microvm
