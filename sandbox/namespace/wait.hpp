#pragma once
// Waiting for the sandbox's first process while forwarding signals, robust
// in a multithreaded caller (where SIGCHLD may go to another thread), and
// enforcing the wall-clock limit (resources.timeout).

#include <sys/types.h>

#include <cstdint>

#include "sandbox/namespace/channel.hpp"
#include "sandbox/supervise.hpp"
#include "sandbox/terminal.hpp"

namespace vg::sandbox::ns {


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
  // With job control: a k_msg_stopped report stops vg's own job (the
  // terminal taken back first), and when vg is continued the terminal is
  // handed back and init told (k_msg_continue). Without it, stops are the
  // sandbox's own business and the time limit runs on.
  ForegroundTerminal* terminal = nullptr;
};

// Wait for `pid` (a child of ours): forward the signals other processes send
// to vg (read from `guard`'s signalfd) to `pid`, and watch the child through
// a pidfd rather than SIGCHLD. Return its exit code (128+N for signal N).
int wait_child(const SignalGuard& guard, pid_t pid);

// As above, ending the sandbox when `limit` passes; `timed_out` tells
// whether it did.
int wait_child(const SignalGuard& guard, pid_t pid, const TimeLimit& limit, bool& timed_out);

}  // namespace vg::sandbox::ns
