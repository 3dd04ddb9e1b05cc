#include "tests/microvm/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace vg::microvm_test {

namespace {
[[noreturn]] void exec_child(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}
}  // namespace

Child::Child(const std::vector<std::string>& argv, const std::vector<std::string>& env, bool pty, int rows, int cols)
    : m_pty(pty) {
  if (pty) {
    winsize ws{};
    ws.ws_row = static_cast<unsigned short>(rows);
    ws.ws_col = static_cast<unsigned short>(cols);
    int master = -1;
    m_pid = forkpty(&master, nullptr, nullptr, &ws);
    if (m_pid == 0) exec_child(argv, env);
    m_in = master;
    m_out = master;
  } else {
    int in[2], po[2], pe[2];
    if (pipe(in) != 0 || pipe(po) != 0 || pipe(pe) != 0) return;
    m_pid = fork();
    if (m_pid == 0) {
      dup2(in[0], 0);
      dup2(po[1], 1);
      dup2(pe[1], 2);
      for (int fd : {in[0], in[1], po[0], po[1], pe[0], pe[1]}) close(fd);
      exec_child(argv, env);
    }
    close(in[0]);
    close(po[1]);
    close(pe[1]);
    m_in = in[1];
    m_out = po[0];
    m_err = pe[0];
  }
}

Child::~Child() {
  if (!m_exited && m_pid > 0) {
    kill(m_pid, SIGKILL);
    waitpid(m_pid, nullptr, 0);
  }
  if (m_in >= 0 && m_in != m_out) close(m_in);
  if (m_out >= 0) close(m_out);
  if (m_err >= 0) close(m_err);
}

void Child::pump(int timeout_ms) {
  pollfd fds[2] = {{m_out, POLLIN, 0}, {m_err, POLLIN, 0}};
  if (poll(fds, 2, timeout_ms) <= 0) return;
  char buf[65536];
  for (int i = 0; i < 2; ++i) {
    if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    ssize_t n = read(fds[i].fd, buf, sizeof buf);
    if (n <= 0) {
      close(fds[i].fd);
      (i == 0 ? m_out : m_err) = -1;
      if (i == 0 && m_pty) m_in = -1;
      continue;
    }
    std::string chunk(buf, static_cast<std::size_t>(n));
    if (i == 0) {
      out += chunk;
      double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
      out_chunks.emplace_back(t, chunk);
    } else {
      err += chunk;
    }
  }
}

bool Child::wait_for(const std::string& needle, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (out.find(needle) == std::string::npos) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    if (m_out < 0 && m_err < 0) return false;
    pump(100);
  }
  return true;
}

void Child::write_input(const std::string& text) {
  if (m_in < 0) return;
  ssize_t n = write(m_in, text.data(), text.size());
  (void)n;
}

void Child::close_input() {
  if (!m_pty && m_in >= 0) {
    close(m_in);
    m_in = -1;
  }
}

bool Child::running(std::chrono::milliseconds period) {
  auto deadline = std::chrono::steady_clock::now() + period;
  while (!m_exited && std::chrono::steady_clock::now() < deadline) {
    pump(50);
    int status = 0;
    if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_exited = true;
      m_status = status;
    }
  }
  return !m_exited;
}

int Child::wait(std::chrono::milliseconds timeout) {
  close_input();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    pump(50);
    int status = 0;
    if (!m_exited && waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_exited = true;
      m_status = status;
    }
    if (m_exited && m_out < 0 && (m_err < 0)) break;
    if (m_exited && m_pty) {
      pump(50);
      break;
    }
    if (m_exited) {
      // Drain what is left, then stop.
      for (int i = 0; i < 20 && (m_out >= 0 || m_err >= 0); ++i) pump(50);
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      kill(m_pid, SIGKILL);
      waitpid(m_pid, nullptr, 0);
      m_exited = true;
      return -1;
    }
  }
  if (WIFSIGNALED(m_status)) return 128 + WTERMSIG(m_status);
  return WEXITSTATUS(m_status);
}

}  // namespace vg::microvm_test
