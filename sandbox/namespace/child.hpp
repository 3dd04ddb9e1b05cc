#pragma once
// The sandbox's side of the setup, run in the cloned process (pid 1 of the
// new pid namespace): a checklist of small steps, each reporting a precise
// failure (step, call, path, errno, hint) to the parent over `sock`.

#include <linux/filter.h>
#include <signal.h>

#include <vector>

#include "sandbox/namespace/channel.hpp"
#include "sandbox/namespace/plan.hpp"

namespace vg::sandbox::ns {


// Build the sandbox from `plan`, start the command and act as its init.
// `sigmask` is the mask the command starts with. With a `trace` filter
// (sandbox/trace), the command's process loads it last and sends the
// listener on `sock` (k_msg_traced or k_msg_untraced) before the exec.
// Never returns.
[[noreturn]] void run_child(const Plan& plan, int sock, const sigset_t& sigmask,
                            const std::vector<sock_filter>* trace = nullptr);

// Report a failed step to the parent and exit.
[[noreturn]] void fail_step(int sock, const char* step, const char* call, const char* path, int err,
                            const char* hint = nullptr);

// Bring the loopback interface up in the current network namespace
// (network `none`); `restricted` will extend this step.
bool setup_network(const Plan& plan, int sock);

// Act as init: forward signals sent by vg to `command`, reap every child,
// and exit with the command's code (128+N for signal N). On `sock`, the
// parent may ask to SIGTERM every process (k_msg_terminate); when the parent
// is gone, everything is killed. Never returns.
// With `job_control`, a stop of the command stops every process and is
// reported (k_msg_stopped); k_msg_continue continues them.
[[noreturn]] void run_init(pid_t command, int sock, bool job_control);

}  // namespace vg::sandbox::ns
