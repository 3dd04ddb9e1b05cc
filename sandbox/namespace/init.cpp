// pid 1 of the sandbox. The sandbox is a process group of its own; when vg
// has a terminal it hands the foreground to that group, so the terminal's
// Ctrl-C and Ctrl-Z reach the command directly; signals that vg forwards
// (kill(1) sent to vg) arrive here and are passed on. pid 1 ignores signals
// it has no handler for, so they are taken from a signalfd. The setup socket
// stays open: vg asks through it to end the sandbox when its time is up, and
// with job control init reports the command's stops and is told to continue.
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "config/exit_codes.hpp"
#include "sandbox/namespace/child.hpp"
#include "sandbox/namespace/wait.hpp"
#include "sandbox/supervise.hpp"

namespace vg::sandbox::ns {

namespace {

// Act on a message from the parent, or on its end.
void read_parent(int sock) {
  char msg = 0;
  ssize_t n = recv(sock, &msg, 1, MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n == 1) {
    if (msg == k_msg_terminate) {
      // kill(-1) from pid 1 reaches every other process of the namespace.
      kill(-1, SIGTERM);
      kill(-1, SIGCONT);  // a stopped process would never see the SIGTERM
    } else if (msg == k_msg_continue) {
      kill(-1, SIGCONT);
    }
    return;
  }
  // The parent is gone: nobody will commit or report; end everything now.
  kill(-1, SIGKILL);
  _exit(exit_code::k_signal_base + SIGKILL);
}

// SIGKILL every other process of the namespace and reap them all.
void end_all() {
  for (;;) {
    kill(-1, SIGKILL);
    pid_t r;
    do {
      r = waitpid(-1, nullptr, WNOHANG);
    } while (r > 0);
    if (r < 0 && errno == ECHILD) return;
    // Some are still dying (or one was forked while the kill went round).
    timespec nap{0, 50 * 1000};
    nanosleep(&nap, nullptr);
  }
}

}  // namespace

void run_init(pid_t command, int sock, bool job_control) {
  // init itself reads and writes nothing but the setup socket.
  for (int fd = 0; fd < 3; ++fd) close(fd);
  sigset_t mask;
  sigemptyset(&mask);
  for (int s : k_forwarded_signals) sigaddset(&mask, s);
  sigaddset(&mask, SIGCHLD);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  int fd = signalfd(-1, &mask, SFD_CLOEXEC);
  for (;;) {
    for (;;) {
      int status = 0;
      pid_t r = waitpid(-1, &status, WNOHANG | (job_control ? WUNTRACED : 0));
      if (r == command && WIFSTOPPED(status)) {
        // Ctrl-Z (or a read of the terminal from the background): stop
        // everything, so nothing runs on while vg's job is stopped, and tell
        // vg, which stops in turn and says when it is continued.
        kill(-1, SIGSTOP);
        char msg = k_msg_stopped;
        (void)send(sock, &msg, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        continue;
      }
      if (r == command) {
        // The command is done; whatever it left behind goes now. Once all
        // are reaped (none can hide: every process here is init's child or
        // orphan), vg is told the code and may commit while the kernel
        // tears the namespaces down.
        int code = exit_code_from_status(status);
        end_all();
        char msg[1 + sizeof code];
        msg[0] = k_msg_exited;
        std::memcpy(msg + 1, &code, sizeof code);
        (void)send(sock, msg, sizeof msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        _exit(code);
      }
      if (r <= 0) break;
    }
    pollfd fds[2] = {{fd, POLLIN, 0}, {sock, POLLIN, 0}};
    // Without a signalfd, SIGCHLD is only noticed by polling.
    if (poll(fds, 2, fd >= 0 ? -1 : 100) < 0 && errno != EINTR) {
      int status = 0;
      if (waitpid(command, &status, 0) == command) _exit(exit_code_from_status(status));
      _exit(exit_code::k_internal);
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      read_parent(sock);
    }
    if (!(fds[0].revents & POLLIN)) continue;
    signalfd_siginfo info{};
    ssize_t n = read(fd, &info, sizeof info);
    if (n != static_cast<ssize_t>(sizeof info)) continue;
    int sig = static_cast<int>(info.ssi_signo);
    if (sig == SIGCHLD) continue;
    if (info.ssi_code == SI_USER || info.ssi_code == SI_QUEUE) kill(command, sig);
  }
}

}  // namespace vg::sandbox::ns
