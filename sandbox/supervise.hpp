#pragma once
// Supervising a child process from vg: forward signals, wait, translate the
// ending into an exit code. Shared by the host path and every backend.

#include <sys/types.h>

#include <csignal>

namespace vg::sandbox {

// Signals vg forwards to the child it supervises.
inline constexpr int k_forwarded_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, SIGUSR1, SIGUSR2, SIGCONT};

// Blocks the forwarded signals and SIGCHLD in the calling thread so they can
// be read with a signalfd; restores the previous mask on destruction.
class SignalGuard {
 public:
  SignalGuard();
  ~SignalGuard();
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;
  // The mask that was in force before; children restore it before exec.
  const sigset_t& previous() const { return m_previous; }
  int fd() const { return m_fd; }

 private:
  sigset_t m_previous{};
  int m_fd = -1;
};

// Wait for `pid` while forwarding signals that were sent to vg by another
// process (kill, timeout) to `target` (the child or its process group when
// negative). Signals the terminal sends to the foreground group already reach
// a child in that group, so they are not sent twice. Return the exit code:
// the child's own, or 128+N when signal N killed it.
int supervise(const SignalGuard& guard, pid_t pid, pid_t target);

// Translate a waitpid() status into vg's exit code convention.
int exit_code_from_status(int status);

}  // namespace vg::sandbox
