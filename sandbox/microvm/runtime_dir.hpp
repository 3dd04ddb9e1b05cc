#pragma once
// vg's private runtime directory for microVMs: sockets, console logs and
// per-run scratch space, owned by the user and mode 0700.

#include <string>

#include "config/result.hpp"

namespace vg::sandbox::microvm {

// `$XDG_RUNTIME_DIR/vg/microvm`, else `/tmp/vg-<uid>/microvm`; created 0700
// and checked to be a directory owned by the caller (never a symlink).
Result<std::string> runtime_dir();

// A fresh private directory `<runtime_dir>/<prefix>-XXXXXX`.
Result<std::string> make_run_dir(const std::string& prefix);

}  // namespace vg::sandbox::microvm
