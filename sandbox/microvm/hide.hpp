#pragma once
// What the guest must not read through the 9p share: `.env*` files at any
// depth and the config's `exclude` matches. QEMU serves the share from its
// own mount namespace, where each of these paths is covered by an empty file
// or directory before QEMU starts (confine.cpp), so the guest sees them empty.

#include <string>
#include <vector>

namespace vg::sandbox::microvm {

// Host paths inside the workspace to cover, by type.
struct HiddenPaths {
  std::vector<std::string> files;  // regular files (and other non-directories)
  std::vector<std::string> dirs;
  bool truncated = false;          // the walk stopped at its entry budget
  // A digest of the lists: a pooled guest is used only when it hid the same set.
  std::string digest() const;
};

// Walk `workspace` (not following symlinks, skipping its top-level .git)
// and collect the paths matching the secret patterns or `exclude`.
HiddenPaths find_hidden_paths(const std::string& workspace, const std::vector<std::string>& exclude);

}  // namespace vg::sandbox::microvm
