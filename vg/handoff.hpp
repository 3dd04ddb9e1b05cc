#pragma once
// `vg` and `vg-full`: the same program, built twice. `vg` leaves out the
// result cache (RocksDB) so that the command-by-command path starts fast;
// whatever needs the cache continues in `vg-full`, installed beside it.

#include <string>
#include <vector>

namespace vg {

// The `vg-full` beside the running executable.
std::string full_binary_path();

// Replace this process by `vg-full` with the same arguments (argv[0] is
// replaced) and vg's own environment. Returns only when that failed, with
// the reason.
std::string exec_full(const std::vector<std::string>& argv);

}  // namespace vg
