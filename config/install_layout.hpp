#pragma once
// Where vg's helper programs are, relative to the running executable: in an
// installed tree `vg` is in bin/ and its helpers (vg-full, vg-guest) in
// libexec/vg/; in a build tree each is in its folder's build directory. No
// absolute path is compiled in, so an installed tree can be moved whole.

#include <string>
#include <vector>

namespace vg::config {

// Return the places `name` (a helper such as "vg-full" or "vg-guest") is
// looked for, best first, for an executable in the directory `exe_dir`.
std::vector<std::string> helper_candidates(const std::string& exe_dir, const std::string& name);

// Return the first existing file of helper_candidates() for the running
// executable, or "" when there is none.
std::string find_helper(const std::string& name);

// Return the directory of the running executable ("" when /proc/self/exe
// cannot be read).
std::string exe_dir();

// Return the build tree `exe_dir` lies in (the directory holding
// CMakeCache.txt, at most two levels up), or "" in an installed tree.
std::string build_tree_of(const std::string& exe_dir);

}  // namespace vg::config
