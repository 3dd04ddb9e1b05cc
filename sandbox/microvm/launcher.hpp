#pragma once
// The microVM backend (`runtime: microvm`): each command runs in a QEMU
// guest, taken warm from the pool when one is ready for this workspace,
// else booted cold; its writes come back and pass the policy engine.

#include <memory>

#include "config/config.hpp"
#include "sandbox/launcher.hpp"

namespace vg::sandbox::microvm {

// Create the microVM launcher for `config`; an Error when the acceleration
// setting cannot be met (require-kvm on a host without usable KVM).
Result<std::unique_ptr<Launcher>> make_microvm_launcher(const config::Config& config);

}  // namespace vg::sandbox::microvm
