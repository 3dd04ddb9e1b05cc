#include "sandbox/supervise.hpp"

#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config/exit_codes.hpp"

namespace vg::sandbox {

SignalGuard::SignalGuard() {
  sigset_t mask;
  sigemptyset(&mask);
  for (int s : k_forwarded_signals) sigaddset(&mask, s);
  sigaddset(&mask, SIGCHLD);
  pthread_sigmask(SIG_BLOCK, &mask, &m_previous);
  m_fd = signalfd(-1, &mask, SFD_CLOEXEC);
}

SignalGuard::~SignalGuard() {
  if (m_fd >= 0) close(m_fd);
  pthread_sigmask(SIG_SETMASK, &m_previous, nullptr);
}

int exit_code_from_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return exit_code::k_signal_base + WTERMSIG(status);
  return exit_code::k_internal;
}

int supervise(const SignalGuard& guard, pid_t pid, pid_t target) {
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return exit_code_from_status(status);
    if (r < 0 && errno != EINTR) return exit_code::k_internal;

    signalfd_siginfo info{};
    ssize_t n = read(guard.fd(), &info, sizeof info);
    if (n != static_cast<ssize_t>(sizeof info)) {
      if (n < 0 && errno == EINTR) continue;
      // No signalfd: fall back to a blocking wait (signals stay blocked).
      if (waitpid(pid, &status, 0) == pid) return exit_code_from_status(status);
      return exit_code::k_internal;
    }
    int sig = static_cast<int>(info.ssi_signo);
    if (sig == SIGCHLD) continue;
    // SI_KERNEL/SI_TTY-style codes mean the terminal sent it to the whole
    // foreground process group, which already includes the child. Only
    // signals sent by a process (kill(2), sigqueue) are forwarded.
    bool from_process = info.ssi_code == SI_USER || info.ssi_code == SI_QUEUE;
    if (from_process) kill(target, sig);
  }
}

}  // namespace vg::sandbox
