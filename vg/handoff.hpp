#pragma once
// `vg` and `vg-full`: the same program, built twice. `vg` leaves out the
// result cache (RocksDB) so that the command-by-command path starts fast;
// whatever needs the cache continues in `vg-full`, installed in libexec/vg/.

#include <string>
#include <vector>

namespace vg {

// The `vg-full` of this tree: libexec/vg/ when installed, beside vg in a
// build tree (config/install_layout.hpp).
std::string full_binary_path();

// Replace this process by `vg-full` with the same arguments (argv[0] is
// replaced) and vg's own environment. Returns only when that failed, with
// the reason.
std::string exec_full(const std::vector<std::string>& argv);

}  // namespace vg
