#include "tests/router/harness.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace vg::router::e2e {
namespace {

namespace fs = std::filesystem;

std::vector<char*> c_strings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

std::vector<std::string> with_bin(const std::vector<std::string>& args) {
  std::vector<std::string> argv{vg_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

int code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Wait for `pid` at most until `deadline`; kill it after.
int wait_until(pid_t pid, std::chrono::steady_clock::time_point deadline) {
  while (true) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return code_of(status);
    if (r < 0) return -1;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    ::usleep(2000);
  }
}

}  // namespace

std::string vg_bin() {
  // VG_BIN overrides the binary this suite was built against.
  const char* bin = std::getenv("VG_BIN");
  return bin && *bin ? bin : VG_BINARY_PATH;
}

Home::Home() {
  char tmpl[] = "/tmp/vg-router-e2e-XXXXXX";
  const char* d = ::mkdtemp(tmpl);
  if (!d) throw std::runtime_error("mkdtemp failed");
  m_path = d;
  for (const char* sub : {"work", "config/vg", "state/vg", "data", "cache", "fakebin"}) {
    fs::create_directories(m_path + "/" + sub);
  }
}

Home::~Home() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info && info->result() && info->result()->Failed()) {
    std::fprintf(stderr, "router e2e: kept %s for inspection\n", m_path.c_str());
    return;
  }
  std::error_code ec;
  fs::remove_all(m_path, ec);
}

void Home::config(const std::string& yaml) const { write("config/vg/config.yaml", yaml); }

void Home::fake_program(const std::string& name, int exit_code) const {
  std::string marker = m_path + "/fakebin/" + name + ".ran";
  std::string script = "#!/bin/sh\necho \"$0 $*\" >> '" + marker + "'\nexit " + std::to_string(exit_code) + "\n";
  std::string p = write("fakebin/" + name, script);
  ::chmod(p.c_str(), 0755);
}

bool Home::fake_ran(const std::string& name) const { return exists("fakebin/" + name + ".ran"); }

std::string Home::write(const std::string& relative, const std::string& text) const {
  std::string p = m_path + "/" + relative;
  fs::create_directories(fs::path(p).parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
  return p;
}

bool Home::exists(const std::string& relative) const { return ::access((m_path + "/" + relative).c_str(), F_OK) == 0; }

std::string Home::read(const std::string& relative) const {
  std::ifstream in(m_path + "/" + relative, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> Home::env(const std::map<std::string, std::string>& extra) const {
  std::map<std::string, std::string> e{
      {"HOME", m_path},
      {"XDG_CONFIG_HOME", m_path + "/config"},
      {"XDG_STATE_HOME", m_path + "/state"},
      {"XDG_DATA_HOME", m_path + "/data"},
      {"XDG_CACHE_HOME", m_path + "/cache"},
      {"PATH", m_path + "/fakebin:/usr/local/bin:/usr/bin:/bin"},
      {"LANG", "C.UTF-8"},
      {"USER", "tester"},
  };
  for (const auto& [k, v] : extra) e[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : e) out.push_back(k + "=" + v);
  return out;
}

RunResult vg(const Home& home, const std::vector<std::string>& args, const std::map<std::string, std::string>& extra_env) {
  RunResult result;
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) return result;
  auto argv = with_bin(args);
  auto env = home.env(extra_env);
  auto c_argv = c_strings(argv);
  auto c_env = c_strings(env);
  std::string cwd = home.work();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setsid();  // no controlling terminal: /dev/tty cannot be opened
    int null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::execve(c_argv[0], c_argv.data(), c_env.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0 && std::chrono::steady_clock::now() < deadline) {
    if (::poll(fds, 2, 200) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[65536];
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? result.out : result.err).append(buf, static_cast<std::size_t>(n));
      } else {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) ::close(f.fd);
  }
  result.exit_code = wait_until(pid, deadline);
  return result;
}

PtySession::PtySession(const Home& home, const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& extra_env) {
  auto argv = with_bin(args);
  auto env = home.env(extra_env);
  auto c_argv = c_strings(argv);
  auto c_env = c_strings(env);
  std::string cwd = home.work();
  m_pid = ::forkpty(&m_master, nullptr, nullptr, nullptr);
  if (m_pid == 0) {
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::execve(c_argv[0], c_argv.data(), c_env.data());
    ::_exit(127);
  }
}

PtySession::~PtySession() {
  if (m_pid > 0) {
    int status = 0;
    if (::waitpid(m_pid, &status, WNOHANG) == 0) {
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, &status, 0);
    }
  }
  if (m_master >= 0) ::close(m_master);
}

void PtySession::send(const std::string& keys) {
  std::string_view rest = keys;
  while (!rest.empty()) {
    ssize_t n = ::write(m_master, rest.data(), rest.size());
    if (n <= 0) return;
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
}

void PtySession::pump(std::chrono::milliseconds timeout) {
  pollfd p{m_master, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return;
  char buf[4096];
  ssize_t n = ::read(m_master, buf, sizeof buf);
  if (n > 0) m_output.append(buf, static_cast<std::size_t>(n));
}

bool PtySession::expect(const std::string& needle, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (m_output.find(needle) == std::string::npos) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    pump(std::chrono::milliseconds(50));
  }
  return true;
}

int PtySession::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    pump(std::chrono::milliseconds(20));
    int status = 0;
    pid_t r = ::waitpid(m_pid, &status, WNOHANG);
    if (r == m_pid) {
      for (int i = 0; i < 5; ++i) pump(std::chrono::milliseconds(10));
      m_pid = -1;
      return code_of(status);
    }
    if (std::chrono::steady_clock::now() > deadline) return -1;
  }
}

}  // namespace vg::router::e2e
