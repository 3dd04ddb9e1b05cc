#pragma once
// What this vg is: its version, the commit it was built from and the build
// type. Generated at build time (cmake/VgVersion.cmake) into
// version_info.cpp in the build tree, so a new commit never needs a
// reconfigure.

#include <string>

namespace vg {

// The project version (`project(vg VERSION ...)`), e.g. "0.1.0".
extern const char* const k_version;
// The commit, 12 hex digits with "-dirty" when the tree had uncommitted
// changes to tracked files, or "unknown" outside a git checkout.
extern const char* const k_commit;
// CMAKE_BUILD_TYPE: Release, RelWithDebInfo, Debug, ...
extern const char* const k_build_type;

// Return the line `vg --version` prints: "vg 0.1.0 (commit 0123abcd4567, RelWithDebInfo)".
std::string version_line();

}  // namespace vg
