#pragma once
// Waiting for the sandbox's first process while forwarding signals, robust
// in a multithreaded caller (where SIGCHLD may go to another thread), and
// enforcing the wall-clock limit (resources.timeout).

#include <sys/types.h>

#include <cstdint>

#include "sandbox/supervise.hpp"

namespace vg::sandbox::ns {

// Message on the setup socket once the command runs, parent to init: send
// SIGTERM to every process of the sandbox (the time limit is reached).
inline constexpr char k_msg_terminate = 'T';

// Message on the setup socket, init to parent: the command ended and every
// other process of the sandbox is dead and reaped; its exit code follows (an
// int). The kernel's teardown of the namespaces (mounts, network) then goes
// on without the parent waiting for it.
inline constexpr char k_msg_exited = 'X';

// Grace between the SIGTERM and the SIGKILL of a timed-out sandbox.
inline constexpr int k_timeout_grace_ms = 2000;

// A wall-clock limit on a sandbox: at `seconds` init is asked (over
// `init_fd`) to SIGTERM every process; `grace_ms` later `pid` is SIGKILLed,
// which takes the whole pid namespace with it.
struct TimeLimit {
  std::uint64_t seconds = 0;  // 0 = none
  int init_fd = -1;
  int grace_ms = k_timeout_grace_ms;
  // When set, a k_msg_exited report on `init_fd` ends the wait before `pid`
  // is reaped, and *reported says so (the caller reaps it later).
  bool* reported = nullptr;
};

// Wait for `pid` (a child of ours): forward the signals other processes send
// to vg (read from `guard`'s signalfd) to `pid`, and watch the child through
// a pidfd rather than SIGCHLD. Return its exit code (128+N for signal N).
int wait_child(const SignalGuard& guard, pid_t pid);

// As above, ending the sandbox when `limit` passes; `timed_out` tells
// whether it did.
int wait_child(const SignalGuard& guard, pid_t pid, const TimeLimit& limit, bool& timed_out);

}  // namespace vg::sandbox::ns
