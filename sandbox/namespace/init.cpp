// pid 1 of the sandbox. The command shares vg's process group, so the
// terminal's Ctrl-C reaches it directly; signals that vg forwards (kill(1)
// sent to vg) arrive here and are passed on. pid 1 ignores signals it has no
// handler for, so they are taken from a signalfd.
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "sandbox/namespace/child.hpp"
#include "sandbox/supervise.hpp"

namespace vg::sandbox::ns {

void run_init(pid_t command) {
  sigset_t mask;
  sigemptyset(&mask);
  for (int s : k_forwarded_signals) sigaddset(&mask, s);
  sigaddset(&mask, SIGCHLD);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  int fd = signalfd(-1, &mask, SFD_CLOEXEC);
  for (;;) {
    for (;;) {
      int status = 0;
      pid_t r = waitpid(-1, &status, WNOHANG);
      if (r == command) {
        // The command is done; whatever it left behind goes with the namespace.
        kill(-1, SIGKILL);
        _exit(exit_code_from_status(status));
      }
      if (r <= 0) break;
    }
    signalfd_siginfo info{};
    ssize_t n = fd >= 0 ? read(fd, &info, sizeof info) : -1;
    if (n != static_cast<ssize_t>(sizeof info)) {
      if (n < 0 && errno == EINTR) continue;
      int status = 0;
      if (waitpid(command, &status, 0) == command) _exit(exit_code_from_status(status));
      _exit(70);
    }
    int sig = static_cast<int>(info.ssi_signo);
    if (sig == SIGCHLD) continue;
    if (info.ssi_code == SI_USER || info.ssi_code == SI_QUEUE) kill(command, sig);
  }
}

}  // namespace vg::sandbox::ns
