#pragma once
// Kernel modules for the guest: finding them in an extracted kernel package
// and ordering them so each loads after the modules it depends on.

#include <map>
#include <string>
#include <vector>

#include "config/result.hpp"

namespace vg::sandbox::microvm {

// The modules the guest needs: virtio-mmio transport, virtio-serial, 9p, overlay.
const std::vector<std::string>& k_guest_modules();

// Read the `depends=` field of the .modinfo section of the ELF module `data`;
// an Error when it is not a 64-bit ELF with a .modinfo section.
Result<std::vector<std::string>> module_depends(const std::string& data);

// Return `wanted` and their dependencies, dependencies first. `deps` maps a
// module name to its direct dependencies; a name missing from it is an Error.
Result<std::vector<std::string>> load_order(const std::vector<std::string>& wanted,
                                            const std::map<std::string, std::vector<std::string>>& deps);

}  // namespace vg::sandbox::microvm
