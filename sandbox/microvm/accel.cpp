#include "sandbox/microvm/accel.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vg::sandbox::microvm {

AccelProbe probe_accel() {
  AccelProbe p;
  int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd >= 0) {
    p.kvm_device = true;
    close(fd);
  }
  struct stat st;
  p.kvm_pvm = stat("/sys/module/kvm_pvm", &st) == 0;
  return p;
}

Result<Accel> choose_accel(const std::string& accel, const AccelProbe& probe, std::string& warning) {
  warning.clear();
  if (accel == "tcg") return Accel::tcg;
  if (accel != "auto" && accel != "kvm" && accel != "require-kvm") {
    return make_error("microvm.accel: unknown value '" + accel + "' (known: auto, kvm, tcg, require-kvm)");
  }
  std::string why;
  if (!probe.kvm_device) {
    why = "/dev/kvm is not available";
  } else if (probe.kvm_pvm) {
    why = "/dev/kvm is PVM (kvm_pvm), which cannot boot a stock kernel";
  } else {
    return Accel::kvm;
  }
  if (accel == "require-kvm") {
    return make_error("microvm.accel is 'require-kvm' but " + why +
                      "; the command was not run (set microvm.accel: auto to allow slow TCG emulation)");
  }
  warning = "microvm: " + why + "; using TCG emulation (slow). Set microvm.accel: tcg to silence this";
  return Accel::tcg;
}

const char* to_string(Accel a) { return a == Accel::kvm ? "kvm" : "tcg"; }

}  // namespace vg::sandbox::microvm
