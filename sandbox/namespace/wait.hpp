#pragma once
// Waiting for the sandbox's first process while forwarding signals, robust
// in a multithreaded caller (where SIGCHLD may go to another thread).

#include <sys/types.h>

#include "sandbox/supervise.hpp"

namespace vg::sandbox::ns {

// Wait for `pid` (a child of ours): forward the signals other processes send
// to vg (read from `guard`'s signalfd) to `pid`, and watch the child through
// a pidfd rather than SIGCHLD. Return its exit code (128+N for signal N).
int wait_child(const SignalGuard& guard, pid_t pid);

}  // namespace vg::sandbox::ns
