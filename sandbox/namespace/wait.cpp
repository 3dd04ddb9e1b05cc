#include "sandbox/namespace/wait.hpp"

#include <poll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "config/exit_codes.hpp"

namespace vg::sandbox::ns {

int wait_child(const SignalGuard& guard, pid_t pid) {
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) return supervise(guard, pid, pid);  // kernels before 5.3
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      close(pidfd);
      return exit_code_from_status(status);
    }
    if (r < 0 && errno != EINTR) {
      close(pidfd);
      return exit_code::k_internal;
    }
    pollfd fds[2] = {{guard.fd(), POLLIN, 0}, {pidfd, POLLIN, 0}};
    if (poll(fds, guard.fd() >= 0 ? 2 : 1, -1) < 0 && errno != EINTR) {
      if (waitpid(pid, &status, 0) == pid) {
        close(pidfd);
        return exit_code_from_status(status);
      }
    }
    if (!(fds[0].revents & POLLIN)) continue;
    // The signalfd is non-blocking: another thread may have taken the signal
    // that woke poll(); drain what is there and go back to waiting.
    signalfd_siginfo info{};
    while (read(guard.fd(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      int sig = static_cast<int>(info.ssi_signo);
      // As in supervise(): the terminal already signals the whole foreground
      // group; only signals sent by a process are passed on.
      if (sig != SIGCHLD && (info.ssi_code == SI_USER || info.ssi_code == SI_QUEUE)) kill(pid, sig);
    }
  }
}

}  // namespace vg::sandbox::ns
