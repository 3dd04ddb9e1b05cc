#include "tests/exec/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

extern char** environ;

namespace vg::test {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {
std::vector<char*> c_strings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

int code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}
}  // namespace

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "vg-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  m_path = pattern;
}

TempDir::~TempDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info && info->result() && info->result()->Failed()) {
    std::fprintf(stderr, "kept temporary directory of failed test: %s\n", m_path.c_str());
    return;
  }
  std::error_code ec;
  fs::remove_all(m_path, ec);
}

std::string TempDir::write(const std::string& relative, const std::string& text) const {
  fs::path p = fs::path(m_path) / relative;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

std::vector<std::string> vg_env(const TempDir& home, const std::string& config_yaml,
                                const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> vars;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq == std::string::npos) continue;
    std::string key = kv.substr(0, eq);
    if (key.rfind("VG_", 0) == 0 || key.rfind("XDG_", 0) == 0) continue;
    vars[key] = kv.substr(eq + 1);
  }
  vars["HOME"] = home.path();
  vars["XDG_CONFIG_HOME"] = home.path() + "/.config";
  vars["XDG_STATE_HOME"] = home.path() + "/.local/state";
  vars["XDG_DATA_HOME"] = home.path() + "/.local/share";
  vars["XDG_CACHE_HOME"] = home.path() + "/.cache";
  if (!config_yaml.empty()) home.write(".config/vg/config.yaml", config_yaml);
  for (const auto& [k, v] : extra) vars[k] = v;
  std::vector<std::string> env;
  for (const auto& [k, v] : vars) env.push_back(k + "=" + v);
  return env;
}

std::string vg_bin() {
  // VG_BIN overrides the binary this suite was built against.
  const char* bin = std::getenv("VG_BIN");
  return bin && *bin ? bin : VG_BINARY_PATH;
}

RunResult run(const std::vector<std::string>& argv, const std::vector<std::string>& env, const std::string& input,
              std::chrono::milliseconds timeout) {
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) throw std::runtime_error("pipe");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  auto args = c_strings(argv);
  auto envp = c_strings(env);
  pid_t pid;
  int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  if (rc != 0) throw std::runtime_error(std::string("spawn ") + argv[0] + ": " + std::strerror(rc));

  RunResult result;
  std::size_t written = 0;
  if (input.empty()) {
    close(in[1]);
    in[1] = -1;
  }
  fcntl(in[1], F_SETFL, O_NONBLOCK);
  auto deadline = Clock::now() + timeout;
  bool out_open = true, err_open = true;
  while (out_open || err_open) {
    pollfd fds[3];
    int n = 0;
    if (out_open) fds[n++] = {out[0], POLLIN, 0};
    if (err_open) fds[n++] = {err[0], POLLIN, 0};
    if (in[1] >= 0) fds[n++] = {in[1], POLLOUT, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      kill(pid, SIGKILL);
      break;
    }
    if (poll(fds, n, static_cast<int>(left)) < 0 && errno != EINTR) break;
    for (int i = 0; i < n; ++i) {
      if (!fds[i].revents) continue;
      if (fds[i].fd == in[1]) {
        ssize_t w = write(in[1], input.data() + written, input.size() - written);
        if (w > 0) written += static_cast<std::size_t>(w);
        if (w < 0 || written == input.size()) {
          close(in[1]);
          in[1] = -1;
        }
        continue;
      }
      char buf[65536];
      ssize_t r = read(fds[i].fd, buf, sizeof buf);
      if (r <= 0) {
        (fds[i].fd == out[0] ? out_open : err_open) = false;
        continue;
      }
      (fds[i].fd == out[0] ? result.out : result.err).append(buf, static_cast<std::size_t>(r));
    }
  }
  if (in[1] >= 0) close(in[1]);
  close(out[0]);
  close(err[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = code_of(status);
  return result;
}

PtySession::PtySession(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  winsize ws{};
  ws.ws_row = 24;
  ws.ws_col = 80;
  m_pid = forkpty(&m_master, nullptr, nullptr, &ws);
  if (m_pid < 0) throw std::runtime_error("forkpty failed");
  if (m_pid == 0) {
    auto args = c_strings(argv);
    auto envp = c_strings(env);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  fcntl(m_master, F_SETFD, FD_CLOEXEC);
}

PtySession::~PtySession() {
  if (m_pid > 0) {
    int status;
    if (waitpid(m_pid, &status, WNOHANG) == 0) {
      kill(m_pid, SIGKILL);
      waitpid(m_pid, &status, 0);
    }
  }
  if (m_master >= 0) close(m_master);
}

void PtySession::send(const std::string& keys) {
  std::size_t done = 0;
  while (done < keys.size()) {
    ssize_t w = write(m_master, keys.data() + done, keys.size() - done);
    if (w <= 0) return;
    done += static_cast<std::size_t>(w);
  }
}

void PtySession::pump(std::chrono::milliseconds timeout) {
  pollfd p{m_master, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return;
  char buf[4096];
  ssize_t r = read(m_master, buf, sizeof buf);
  if (r > 0) m_output.append(buf, static_cast<std::size_t>(r));
}

bool PtySession::expect(const std::string& needle, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (m_output.find(needle) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pump(std::min(left, std::chrono::milliseconds(100)));
  }
  return true;
}

int PtySession::wait(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    int status;
    pid_t r = waitpid(m_pid, &status, WNOHANG);
    if (r == m_pid) {
      m_pid = -1;
      pump(std::chrono::milliseconds(0));
      return code_of(status);
    }
    if (Clock::now() > deadline) return -1;
    pump(std::chrono::milliseconds(20));
  }
}

}  // namespace vg::test
