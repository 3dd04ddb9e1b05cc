#include "sandbox/namespace/wait.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config/exit_codes.hpp"

namespace vg::sandbox::ns {

namespace {

std::int64_t now_ms() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<std::int64_t>(t.tv_sec) * 1000 + t.tv_nsec / 1000000;
}

// The time-limit escalation: nothing, then SIGTERM to all, then SIGKILL.
class Escalation {
 public:
  Escalation(const TimeLimit& limit, pid_t pid) : m_limit(limit), m_pid(pid) {
    if (limit.seconds) m_next = now_ms() + static_cast<std::int64_t>(limit.seconds) * 1000;
  }
  // Act on whatever is due; return the poll timeout until the next step.
  int step() {
    if (m_next < 0) return -1;
    std::int64_t now = now_ms();
    if (now >= m_next) {
      if (!m_termed) {
        // init signals every process of its namespace (kill(-1) from pid 1).
        char msg = k_msg_terminate;
        if (m_limit.init_fd < 0 || send(m_limit.init_fd, &msg, 1, MSG_NOSIGNAL | MSG_DONTWAIT) != 1) {
          kill(m_pid, SIGKILL);
          m_next = -1;
        } else {
          m_next = now + m_limit.grace_ms;
        }
        m_termed = true;
      } else {
        // pid 1 (or the process whose death takes pid 1 along) goes, and the
        // kernel kills the rest of the pid namespace with it.
        kill(m_pid, SIGKILL);
        m_next = -1;
      }
      if (m_next < 0) return -1;
    }
    std::int64_t left = m_next - now;
    return left > 60000 ? 60000 : static_cast<int>(left);
  }
  bool fired() const { return m_termed; }

 private:
  const TimeLimit& m_limit;
  pid_t m_pid;
  std::int64_t m_next = -1;
  bool m_termed = false;
};

// The sandbox stopped (Ctrl-Z): stop vg's job as the terminal would have,
// then, once continued (`fg`, `bg`), lend the terminal again if vg is in the
// foreground and continue the sandbox.
void stop_with_sandbox(ForegroundTerminal& terminal, pid_t sandbox_group, int init_fd) {
  terminal.take_back();
  kill(0, SIGSTOP);
  terminal.give(sandbox_group);
  char msg = k_msg_continue;
  (void)send(init_fd, &msg, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
}

int reaped(int pidfd, int status) {
  if (pidfd >= 0) close(pidfd);
  return exit_code_from_status(status);
}

}  // namespace

int wait_child(const SignalGuard& guard, pid_t pid) {
  bool timed_out = false;
  return wait_child(guard, pid, TimeLimit{}, timed_out);
}

int wait_child(const SignalGuard& guard, pid_t pid, const TimeLimit& limit, bool& timed_out) {
  // Kernels before 5.3 have no pidfd: then poll the signalfd alone, with a
  // short timeout so a SIGCHLD taken by another thread cannot stall the wait.
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  Escalation escalation(limit, pid);
  timed_out = false;
  int report_fd = limit.reported ? limit.init_fd : -1;
  if (limit.reported) *limit.reported = false;
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      timed_out = escalation.fired();
      return reaped(pidfd, status);
    }
    if (r < 0 && errno != EINTR) {
      if (pidfd >= 0) close(pidfd);
      return exit_code::k_internal;
    }
    int timeout = escalation.step();
    if (pidfd < 0 && (timeout < 0 || timeout > 100)) timeout = 100;
    pollfd fds[3] = {{guard.fd(), POLLIN, 0}, {pidfd, POLLIN, 0}, {report_fd, POLLIN, 0}};
    if (pidfd < 0) fds[1].fd = -1;  // poll ignores negative fds
    if (poll(fds, 3, timeout) < 0 && errno != EINTR) {
      if (waitpid(pid, &status, 0) == pid) {
        timed_out = escalation.fired();
        return reaped(pidfd, status);
      }
    }
    if (fds[2].revents) {
      char msg[1 + sizeof(int)];
      ssize_t n = recv(report_fd, msg, sizeof msg, MSG_DONTWAIT);
      if (n == static_cast<ssize_t>(sizeof msg) && msg[0] == k_msg_exited) {
        int code = 0;
        std::memcpy(&code, msg + 1, sizeof code);
        timed_out = escalation.fired();
        *limit.reported = true;
        if (pidfd >= 0) close(pidfd);
        return code;
      }
      if (n == 1 && msg[0] == k_msg_stopped && limit.terminal) {
        stop_with_sandbox(*limit.terminal, pid, limit.init_fd);
        continue;
      }
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) report_fd = -1;  // gone: wait for the exit
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
