#pragma once
// Owning types for the resources every folder handles: a descriptor that
// closes itself, a child process that is killed and reaped unless it was
// waited for or released, and a scope guard. With them a setup sequence
// reads as a checklist, and an early return leaks nothing.

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace vg {

// Own one file descriptor; close it on destruction or reset.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : m_fd(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.m_fd, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  // The descriptor (-1 when empty).
  int get() const { return m_fd; }
  bool valid() const { return m_fd >= 0; }
  // Give up ownership and return the descriptor.
  int release() { return std::exchange(m_fd, -1); }
  // Close the held descriptor and take `fd` instead.
  void reset(int fd = -1) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = fd;
  }

 private:
  int m_fd = -1;
};

// Own a child process: unless it was reaped (wait) or handed on (release),
// it is SIGKILLed and reaped when its owner goes away.
class ChildProcess {
 public:
  ChildProcess() = default;
  explicit ChildProcess(pid_t pid) : m_pid(pid) {}
  ChildProcess(ChildProcess&& other) noexcept : m_pid(std::exchange(other.m_pid, -1)) {}
  ChildProcess& operator=(ChildProcess&& other) noexcept {
    if (this != &other) {
      kill_and_reap();
      m_pid = std::exchange(other.m_pid, -1);
    }
    return *this;
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() { kill_and_reap(); }

  pid_t pid() const { return m_pid; }
  bool valid() const { return m_pid > 0; }
  // Wait for the child (retrying EINTR) and return its status; -1 if none.
  int wait() {
    if (m_pid <= 0) return -1;
    int status = 0;
    while (waitpid(m_pid, &status, 0) < 0) {
      if (errno != EINTR) {
        status = -1;
        break;
      }
    }
    m_pid = -1;
    return status;
  }
  // No longer this owner's to kill (reaped elsewhere, or left to run).
  pid_t release() { return std::exchange(m_pid, -1); }
  void kill_and_reap() {
    if (m_pid <= 0) return;
    ::kill(m_pid, SIGKILL);
    wait();
  }

 private:
  pid_t m_pid = -1;
};

// Run `fn` when the scope ends, unless dismissed.
template <typename Fn>
class ScopeGuard {
 public:
  explicit ScopeGuard(Fn fn) : m_fn(std::move(fn)) {}
  ScopeGuard(const ScopeGuard&) = delete;
  ScopeGuard& operator=(const ScopeGuard&) = delete;
  ~ScopeGuard() {
    if (m_armed) m_fn();
  }
  void dismiss() { m_armed = false; }

 private:
  Fn m_fn;
  bool m_armed = true;
};

}  // namespace vg
