#pragma once
// Running a host tool (apt-get, dpkg, busybox) while building guest assets.

#include <string>
#include <vector>

#include "config/result.hpp"

namespace vg::sandbox::microvm {

// Run `argv` in `cwd` (empty = inherit), capture its stdout; an Error with
// its stderr tail when it cannot start or exits non-zero.
Result<std::string> run_tool(const std::vector<std::string>& argv, const std::string& cwd = "");

}  // namespace vg::sandbox::microvm
