#pragma once
// Applying one checked change to the target directory, resolving every path
// beneath it at the moment of use.

#include <ctime>
#include <string>

#include "sandbox/policy/write_set.hpp"

namespace vg::sandbox::policy {

// How applying one change went.
struct Applied {
  enum class Status { ok, conflict, refused };
  Status status = Status::ok;
  std::string reason;
};

// Apply `item` from `upper_fd` to `target_fd`. A target whose ctime is at or
// after `started_at` (when non-zero) changed on the host during the run and
// is left alone (conflict). Paths are opened with openat2 and
// RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS, so a symlink
// swapped into the target meanwhile is refused, not followed. Files are
// written to a temporary name, holes kept, and renamed into place.
Applied apply_item(int upper_fd, int target_fd, const Item& item, const timespec& started_at);

}  // namespace vg::sandbox::policy
