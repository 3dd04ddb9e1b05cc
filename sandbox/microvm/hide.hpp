#pragma once
// What the guest must not read through the 9p share: `.env*` at any depth,
// the config's `exclude` matches, the home's secrets and vg's own files
// where the share holds them (sandbox/secrets.hpp), and what a link of such
// a name points to inside the share. QEMU serves the share from its own
// mount namespace, where each of these paths is covered by an empty file or
// directory before QEMU starts (confine.cpp), so the guest sees them empty.

#include <string>
#include <vector>

#include "config/result.hpp"

namespace vg::sandbox::microvm {

// Host paths inside the workspace to cover, by type.
struct HiddenPaths {
  std::vector<std::string> files;  // regular files (and other non-directories)
  std::vector<std::string> dirs;
  // A digest of the lists: a pooled guest is used only when it hid the same set.
  std::string digest() const;
};

// Walk `workspace` (sandbox/secret_walk.hpp) and collect what to cover. An
// Error when hiding cannot be complete: the guest does not start.
Result<HiddenPaths> find_hidden_paths(const std::string& workspace, const std::vector<std::string>& exclude,
                                      const std::string& home);

}  // namespace vg::sandbox::microvm
