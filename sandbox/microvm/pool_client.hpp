#pragma once
// Asking the warm pool (see pool.hpp) for a booted guest.

#include <optional>
#include <string>
#include <vector>

#include "config/result.hpp"
#include "sandbox/microvm/assets.hpp"
#include "sandbox/microvm/qemu.hpp"

namespace vg::sandbox::microvm {

// A guest handed over by the pool: already greeted (its hello was read), its
// QEMU now owned by the caller (stop_vm kills it).
struct WarmVm {
  Vm vm;
  int fd = -1;  // the connected control socket
};

// Take a ready guest sharing `workspace` booted from `assets` whose QEMU hid
// the paths of digest `hidden_digest` (HiddenPaths::digest), if the pool has one.
std::optional<WarmVm> take_warm_vm(const std::string& workspace, const Assets& assets,
                                   const std::string& hidden_digest);

// One line per pooled guest ("ready /w/project v1-..."), or an Error when no pool runs.
Result<std::vector<std::string>> pool_status();

}  // namespace vg::sandbox::microvm
