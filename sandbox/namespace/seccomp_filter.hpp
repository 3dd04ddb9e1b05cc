#pragma once
// The sandbox's seccomp filter, compiled with libseccomp in the parent (so
// errors can be reported) and loaded as the last step in the child.

#include <linux/filter.h>

#include <vector>

#include "config/result.hpp"

namespace vg::sandbox::ns {

// Compile the filter: EPERM for mount and the new mount API, ptrace and
// process_vm_*, kexec, module loading, bpf, keyctl and friends, setns,
// unshare/clone with CLONE_NEWUSER (clone3 gets ENOSYS so libc falls back to
// clone), open_by_handle_at, perf_event_open, reboot, swapon, clock setting,
// and the TIOCSTI/TIOCLINUX ioctls that could type into the caller's terminal.
Result<std::vector<sock_filter>> compile_seccomp_filter();

// The BPF program of a libseccomp filter context (`scmp_filter_ctx`), for
// every filter vg builds (this one and sandbox/trace's).
Result<std::vector<sock_filter>> export_seccomp_program(void* ctx);

// Load `program` into the calling thread (needs no_new_privs). -1 on error.
int load_seccomp_filter(const std::vector<sock_filter>& program);

}  // namespace vg::sandbox::ns
