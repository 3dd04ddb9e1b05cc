// `vg doctor` checks of the microVM backend (vg/doctor.hpp): an accelerator
// QEMU can use, the guest agent, and the built guest assets.
#include <unistd.h>

#include <string>

#include "sandbox/microvm/accel.hpp"
#include "sandbox/microvm/assets.hpp"
#include "vg/doctor.hpp"

namespace vg {
namespace {

using doctor::Finding;
using doctor::Status;

constexpr const char* k_qemu = "/usr/bin/qemu-system-x86_64";

Finding check_accel(const doctor::Env& env) {
  namespace mv = sandbox::microvm;
  if (::access(k_qemu, X_OK) != 0) {
    return {doctor::for_microvm(env) ? Status::fail : Status::skip, std::string(k_qemu) + " is missing",
            "apt-get install qemu-system-x86"};
  }
  std::string warning;
  auto accel = mv::choose_accel(env.config.microvm.accel, mv::probe_accel(), warning);
  if (!accel) return {Status::fail, accel.error().message, "microvm.accel: auto falls back to TCG"};
  if (*accel == mv::Accel::kvm) return {Status::ok, "KVM", ""};
  return {Status::warn, "TCG (emulation, slow)" + (warning.empty() ? "" : ": " + warning),
          "for KVM: a host with /dev/kvm (modprobe kvm_intel or kvm_amd), and access to it (group kvm)"};
}

Finding check_agent(const doctor::Env&) {
  std::string agent = sandbox::microvm::find_agent();
  if (agent.empty()) {
    return {Status::fail, "vg-guest was not found in libexec/vg beside vg",
            "reinstall vg (cmake --install, or the vg package), or set VG_GUEST_AGENT"};
  }
  if (::access(agent.c_str(), R_OK) != 0) {
    return {Status::fail, agent + " (VG_GUEST_AGENT) cannot be read", "unset VG_GUEST_AGENT, or point it at a built vg-guest"};
  }
  return {Status::ok, agent, ""};
}

Finding check_assets(const doctor::Env&) {
  auto options = sandbox::microvm::default_asset_options();
  if (options.agent.empty()) return {Status::fail, "no guest agent (above)", "see guest agent"};
  auto found = sandbox::microvm::find_assets(options);
  if (!found) return {Status::fail, found.error().message, "vg guest build (needs busybox-static and apt)"};
  return {Status::ok, found->dir + " (" + found->kernel_package + ")", ""};
}

const doctor::CheckRegistration k_accel{{"microvm", "KVM or TCG", 10, doctor::for_microvm, check_accel}};
const doctor::CheckRegistration k_agent{{"microvm", "guest agent", 20, doctor::for_microvm, check_agent}};
const doctor::CheckRegistration k_assets{{"microvm", "guest assets", 30, doctor::for_microvm, check_assets}};

}  // namespace
}  // namespace vg
