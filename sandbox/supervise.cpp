#include "sandbox/supervise.hpp"

#include <poll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
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
  // Non-blocking: in a process with other threads, a process-directed signal
  // that made poll() report the fd readable may be taken by another thread
  // before read(), and a blocking read would then wait forever.
  m_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
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
  // A pidfd becomes readable when the child exits, whichever thread SIGCHLD
  // went to (kernels before 5.3 have none: then poll the signalfd alone, with
  // a timeout so a lost SIGCHLD cannot stall the wait).
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      if (pidfd >= 0) close(pidfd);
      return exit_code_from_status(status);
    }
    if (r < 0 && errno != EINTR) {
      if (pidfd >= 0) close(pidfd);
      return exit_code::k_internal;
    }
    pollfd fds[2] = {{guard.fd(), POLLIN, 0}, {pidfd, POLLIN, 0}};
    int n = pidfd >= 0 ? 2 : 1;
    if (poll(fds, static_cast<nfds_t>(n), pidfd >= 0 ? -1 : 100) < 0 && errno != EINTR) {
      if (waitpid(pid, &status, 0) == pid) {
        if (pidfd >= 0) close(pidfd);
        return exit_code_from_status(status);
      }
    }
    signalfd_siginfo info{};
    while (read(guard.fd(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      int sig = static_cast<int>(info.ssi_signo);
      if (sig == SIGCHLD) continue;
      // SI_KERNEL/SI_TTY-style codes mean the terminal sent it to the whole
      // foreground process group, which already includes the child. Only
      // signals sent by a process (kill(2), sigqueue) are forwarded.
      bool from_process = info.ssi_code == SI_USER || info.ssi_code == SI_QUEUE;
      if (from_process) kill(target, sig);
    }
  }
}

}  // namespace vg::sandbox
