#include "tests/sandbox/harness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

extern char** environ;

namespace vg::test {

namespace {

using Clock = std::chrono::steady_clock;

std::vector<char*> c_strings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

std::vector<std::string> merged_env(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string s = *e;
    bool overridden = false;
    for (const auto& x : extra) {
      auto eq = x.find('=');
      if (s.compare(0, eq + 1, x, 0, eq + 1) == 0) overridden = true;
    }
    if (!overridden) env.push_back(s);
  }
  for (const auto& x : extra) env.push_back(x);
  return env;
}

int code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

int wait_with_timeout(pid_t pid, int timeout_s) {
  auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return code_of(status);
    if (Clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      ADD_FAILURE() << "process " << pid << " timed out after " << timeout_s << " s";
      return -1;
    }
    usleep(2000);
  }
}

// Read what is available on `fd` into `out` for up to `ms`; false at EOF.
bool pump(int fd, std::string& out, int ms) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, ms) <= 0) return true;
  char buf[4096];
  ssize_t n = read(fd, buf, sizeof buf);
  if (n <= 0) return false;
  out.append(buf, static_cast<size_t>(n));
  return true;
}

}  // namespace

Ran run(const std::vector<std::string>& argv, const std::vector<std::string>& env, const std::string& input,
        int timeout_s) {
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) return {};
  auto envs = merged_env(env);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    auto a = c_strings(argv);
    auto e = c_strings(envs);
    execve(a[0], a.data(), e.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  if (!input.empty() && write(in[1], input.data(), input.size()) < 0) {
  }
  close(in[1]);
  Ran r;
  bool out_open = true, err_open = true;
  auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
  while ((out_open || err_open) && Clock::now() < deadline) {
    if (out_open) out_open = pump(out[0], r.out, 10);
    if (err_open) err_open = pump(err[0], r.err, 10);
  }
  close(out[0]);
  close(err[0]);
  r.exit_code = wait_with_timeout(pid, 5);
  return r;
}

Session::Session(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC)) return;
  auto envs = merged_env(env);
  m_pid = fork();
  if (m_pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    auto a = c_strings(argv);
    auto e = c_strings(envs);
    execve(a[0], a.data(), e.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  m_in = in[1];
  m_out_fd = out[0];
}

Session::~Session() {
  if (m_pid > 0) {
    kill(m_pid, SIGKILL);
    waitpid(m_pid, nullptr, 0);
  }
  if (m_in >= 0) close(m_in);
  if (m_out_fd >= 0) close(m_out_fd);
}

bool Session::wait_for(const std::string& text, int timeout_s) {
  auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
  while (m_out.find(text) == std::string::npos) {
    if (Clock::now() > deadline || !pump(m_out_fd, m_out, 20)) return m_out.find(text) != std::string::npos;
  }
  return true;
}

void Session::send(const std::string& text) {
  if (write(m_in, text.data(), text.size()) < 0) ADD_FAILURE() << "write to session: " << std::strerror(errno);
}

int Session::finish(int timeout_s) {
  close(m_in);
  m_in = -1;
  while (pump(m_out_fd, m_out, 20)) {
    int status = 0;
    if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
      while (pump(m_out_fd, m_out, 0)) {
      }
      m_pid = -1;
      return code_of(status);
    }
  }
  int code = wait_with_timeout(m_pid, timeout_s);
  m_pid = -1;
  return code;
}

Pty::Pty(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  auto envs = merged_env(env);
  m_pid = forkpty(&m_master, nullptr, nullptr, nullptr);
  if (m_pid == 0) {
    auto a = c_strings(argv);
    auto e = c_strings(envs);
    execve(a[0], a.data(), e.data());
    _exit(127);
  }
}

Pty::~Pty() {
  if (m_pid > 0) {
    kill(m_pid, SIGKILL);
    waitpid(m_pid, nullptr, 0);
  }
  if (m_master >= 0) close(m_master);
}

bool Pty::wait_for(const std::string& text, int timeout_s) {
  auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
  while (m_out.find(text) == std::string::npos) {
    if (Clock::now() > deadline || !pump(m_master, m_out, 20)) return m_out.find(text) != std::string::npos;
  }
  return true;
}

void Pty::send(const std::string& text) {
  if (write(m_master, text.data(), text.size()) < 0) ADD_FAILURE() << "write to pty: " << std::strerror(errno);
}

int Pty::finish(int timeout_s) {
  auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
  for (;;) {
    pump(m_master, m_out, 20);  // a pty reports EIO once the child is gone
    int status = 0;
    if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_pid = -1;
      return code_of(status);
    }
    if (Clock::now() > deadline) break;
  }
  int code = wait_with_timeout(m_pid, 1);
  m_pid = -1;
  return code;
}

int Pty::finish_within_ms(int ms) {
  auto deadline = Clock::now() + std::chrono::milliseconds(ms);
  while (m_pid > 0) {
    pump(m_master, m_out, 20);
    int status = 0;
    if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_pid = -1;
      return code_of(status);
    }
    if (Clock::now() > deadline) break;
  }
  return -1;
}

TempDir::TempDir(const std::string& tag) {
  std::string tmpl = "/tmp/vg-sbx-" + tag + "-XXXXXX";
  if (mkdtemp(tmpl.data())) m_path = tmpl;
}

TempDir::~TempDir() {
  if (::testing::Test::HasFailure()) {
    std::fprintf(stderr, "kept test directory %s\n", m_path.c_str());
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
}

void write_file(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool exists(const std::string& path) {
  struct stat st{};
  return lstat(path.c_str(), &st) == 0;
}

Listener::Listener() {
  m_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (bind(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && listen(m_fd, 8) == 0 &&
      getsockname(m_fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    m_port = ntohs(a.sin_port);
  }
}

Listener::~Listener() {
  if (m_fd >= 0) close(m_fd);
}

int Listener::accepted(int ms) {
  int n = 0;
  auto deadline = Clock::now() + std::chrono::milliseconds(ms);
  while (Clock::now() < deadline) {
    int c = accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (c >= 0) {
      ++n;
      close(c);
    } else {
      usleep(5000);
    }
  }
  return n;
}

std::vector<pid_t> processes_with_arg(const std::string& arg) {
  std::vector<pid_t> found;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::string name = e.path().filename();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = read_file(e.path().string() + "/cmdline");
    size_t start = 0;
    while (start < cmdline.size()) {
      size_t end = cmdline.find('\0', start);
      if (end == std::string::npos) end = cmdline.size();
      if (cmdline.compare(start, end - start, arg) == 0) found.push_back(std::atoi(name.c_str()));
      start = end + 1;
    }
  }
  return found;
}

std::string unique_word() {
  static int n = 0;
  return std::to_string(getpid()) + std::to_string(++n);
}

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

}  // namespace vg::test
