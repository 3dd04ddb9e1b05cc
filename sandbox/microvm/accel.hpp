#pragma once
// Choosing QEMU's accelerator: KVM only when it can boot a stock kernel.
// A PVM /dev/kvm (the kvm_pvm module) runs only PVM-built guests, so there
// vg falls back to TCG emulation, or refuses under `microvm.accel: require-kvm`.

#include <string>

#include "config/result.hpp"

namespace vg::sandbox::microvm {

enum class Accel { kvm, tcg };

// What the host offers, injectable for tests.
struct AccelProbe {
  bool kvm_device = false;  // /dev/kvm opens read-write
  bool kvm_pvm = false;     // /sys/module/kvm_pvm exists
};

// Probe the running host.
AccelProbe probe_accel();

// The accelerator for the setting `accel` (auto | kvm | tcg | require-kvm);
// `warning` gets one line when TCG is a fallback. An Error when the setting
// is unknown or requires KVM that cannot be used.
Result<Accel> choose_accel(const std::string& accel, const AccelProbe& probe, std::string& warning);

// Name for `a` as QEMU spells it.
const char* to_string(Accel a);

}  // namespace vg::sandbox::microvm
