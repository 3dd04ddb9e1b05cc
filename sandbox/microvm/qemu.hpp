#pragma once
// Starting and stopping one QEMU microVM: `-M microvm`, direct kernel boot,
// one virtio-serial control port, an optional read-only 9p share, QEMU's own
// seccomp sandbox, and a private mount + user namespace around QEMU.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "config/result.hpp"
#include "sandbox/microvm/accel.hpp"
#include "sandbox/microvm/assets.hpp"
#include "sandbox/microvm/hide.hpp"

namespace vg::sandbox::microvm {

// How guest RAM maps `VmOptions::memory_file`: shared (a template writes its
// RAM there) or private (a clone reads the template's RAM copy-on-write).
enum class MemoryMapping { shared, private_copy };

// How to start one VM.
struct VmOptions {
  Assets assets;
  Accel accel = Accel::tcg;
  std::uint64_t memory_mb = 512;
  std::string run_dir;       // private directory: sockets and logs of this VM
  std::string share;         // host directory exported read-only as 9p tag "ws"; "" = none
  std::string memory_file;   // back guest RAM by this file, for templates and clones
  MemoryMapping memory_mapping = MemoryMapping::shared;
  bool incoming = false;     // start paused, waiting for an incoming migration (a template clone)
  bool qmp = false;          // open a QMP socket (templates and clones)
  std::string extra_append;  // more kernel arguments (VG_MICROVM_KERNEL_ARGS, for debugging)
  HiddenPaths hidden;        // share paths covered by an empty file/dir in QEMU's mount namespace
};

// A running VM.
struct Vm {
  pid_t pid = -1;
  std::string run_dir;
  std::string ctl_socket;   // the virtio-serial port "vg.ctl", host end
  std::string net_socket;   // the virtio-serial port "vg.net" (restricted network), host end
  std::string console_log;  // the guest's serial console
  std::string qemu_log;     // QEMU's own stderr
  std::string qmp_socket;   // "" unless VmOptions::qmp
  bool adopted = false;     // QEMU is another process's child (handed over by the pool)
  int exit_status = -1;     // QEMU's wait status once vm_running reaped it (-1 = not reaped by us)
};

// The QEMU command line for `options` (exposed for tests).
std::vector<std::string> qemu_argv(const VmOptions& options, const Vm& vm);

// Start QEMU for `options`; an Error when it cannot start.
Result<Vm> start_vm(const VmOptions& options);

// Connect to the unix socket `path` that `vm`'s QEMU is creating, waiting up
// to `timeout_ms`; an Error if QEMU exits first or the time runs out.
Result<int> connect_socket(const Vm& vm, const std::string& path, int timeout_ms);

// Kill QEMU (if still running), reap it and remove the run directory.
void stop_vm(Vm& vm);

// True while QEMU runs; fills `status` (waitpid) once it has ended and was
// reaped, on this call or an earlier one (the status is kept in `vm`).
bool vm_running(Vm& vm, int& status);

// Describe why the guest failed for an error message: `what`, QEMU's exit,
// and the tail of the guest console and QEMU's stderr.
std::string describe_failure(const Vm& vm, const std::string& what, int status, bool have_status);

}  // namespace vg::sandbox::microvm
