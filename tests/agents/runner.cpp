#include "tests/agents/runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

namespace vg::agents::e2e {
namespace fs = std::filesystem;

std::string vg_bin() {
  const char* bin = std::getenv("VG_BIN");
  return bin && *bin ? bin : VG_BINARY_PATH;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

bool file_exists(const std::string& path) {
  struct stat st{};
  return ::lstat(path.c_str(), &st) == 0;
}

Home::Home() {
  char tmpl[] = "/tmp/vg-agents-e2e-XXXXXX";
  const char* d = ::mkdtemp(tmpl);
  if (!d) throw std::runtime_error("mkdtemp failed");
  m_path = d;
  ::chmod(m_path.c_str(), 0755);
  for (const char* sub : {"work", "config/vg", "state", "data", "cache"}) fs::create_directories(m_path + "/" + sub);
  // The work directory is a project of its own (a .git marks its root).
  fs::create_directories(work() + "/.git");
}

Home::~Home() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info && info->result() && info->result()->Failed()) {
    std::fprintf(stderr, "agents e2e: kept %s for inspection\n", m_path.c_str());
    return;
  }
  std::error_code ec;
  fs::remove_all(m_path, ec);
}

void Home::config(const std::string& yaml) const { write_text(m_path + "/config/vg/config.yaml", yaml); }

std::vector<std::string> Home::env() const {
  return {"HOME=" + m_path,
          "XDG_CONFIG_HOME=" + m_path + "/config",
          "XDG_STATE_HOME=" + m_path + "/state",
          "XDG_DATA_HOME=" + m_path + "/data",
          "XDG_CACHE_HOME=" + m_path + "/cache",
          "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
          "LANG=C.UTF-8"};
}

Ran Home::run(const std::vector<std::string>& argv, const std::string& input, const std::string& cwd) const {
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) || ::pipe2(out, O_CLOEXEC) || ::pipe2(err, O_CLOEXEC)) throw std::runtime_error("pipe");
  std::vector<std::string> env_strings = env();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    ::setsid();
    if (::chdir((cwd.empty() ? work() : cwd).c_str()) != 0) ::_exit(126);
    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const auto& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  ::signal(SIGPIPE, SIG_IGN);
  Ran r;
  std::size_t written = 0;
  if (input.empty()) {
    ::close(in[1]);
    in[1] = -1;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0 && std::chrono::steady_clock::now() < deadline) {
    pollfd p[3] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}, {in[1], POLLOUT, 0}};
    ::poll(p, in[1] >= 0 ? 3 : 2, 200);
    for (int i = 0; i < 2; ++i) {
      if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(p[i].fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
      } else {
        ::close(p[i].fd);
        (i == 0 ? out[0] : err[0]) = -1;
        --open_fds;
      }
    }
    if (in[1] >= 0 && (p[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t n = ::write(in[1], input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      if (n < 0 || written == input.size()) {
        ::close(in[1]);
        in[1] = -1;
      }
    }
  }
  for (int fd : {out[0], err[0], in[1]}) {
    if (fd >= 0) ::close(fd);
  }
  int status = 0;
  if (open_fds > 0) {
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return r;
  }
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

Ran Home::vg(const std::vector<std::string>& args, const std::string& input) const {
  std::vector<std::string> argv{vg_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, input);
}

}  // namespace vg::agents::e2e
