#pragma once
// Helpers for the sandbox suites: run the driver (vg-sandbox-run) and read
// its output, temp directories, a host TCP listener, a pty session.

#include <sys/types.h>

#include <string>
#include <vector>

namespace vg::test {

// What a finished process produced.
struct Ran {
  int exit_code = -1;  // 128+N for signal N
  std::string out, err;
};

// Run `argv` with extra environment `env` ("K=V", added to ours), feeding
// `input` on stdin; kill it after `timeout_s` seconds.
Ran run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {}, const std::string& input = "",
        int timeout_s = 120);

// A process whose stdin and stdout the test drives line by line.
class Session {
 public:
  Session(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});
  ~Session();
  // Read stdout until it contains `text` (true) or `timeout_s` passes.
  bool wait_for(const std::string& text, int timeout_s = 30);
  void send(const std::string& text);
  // Close stdin and wait; the exit code (128+N for a signal).
  int finish(int timeout_s = 60);
  const std::string& output() const { return m_out; }
  pid_t pid() const { return m_pid; }

 private:
  pid_t m_pid = -1;
  int m_in = -1, m_out_fd = -1;
  std::string m_out;
};

// A process on a pseudo-terminal (it is the session leader, the terminal's
// foreground group).
class Pty {
 public:
  Pty(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});
  ~Pty();
  bool wait_for(const std::string& text, int timeout_s = 30);
  void send(const std::string& text);
  int finish(int timeout_s = 60);
  // The exit code if the process ends within `ms`, else -1 (it runs on).
  int finish_within_ms(int ms);
  const std::string& output() const { return m_out; }

 private:
  pid_t m_pid = -1;
  int m_master = -1;
  std::string m_out;
};

// A fresh directory under /tmp, removed at the end unless the test failed.
class TempDir {
 public:
  explicit TempDir(const std::string& tag);
  ~TempDir();
  const std::string& path() const { return m_path; }
  std::string operator/(const std::string& rel) const { return m_path + "/" + rel; }

 private:
  std::string m_path;
};

// Write / read whole files; read returns "" for a missing file.
void write_file(const std::string& path, const std::string& text);
std::string read_file(const std::string& path);
bool exists(const std::string& path);

// A TCP listener on 127.0.0.1 of the host; counts connections it accepts.
class Listener {
 public:
  Listener();
  ~Listener();
  int port() const { return m_port; }
  // Accept for up to `ms` milliseconds; the number of connections seen.
  int accepted(int ms);

 private:
  int m_fd = -1;
  int m_port = 0;
};

// The pids of host processes with `arg` as one of their arguments.
std::vector<pid_t> processes_with_arg(const std::string& arg);

// A word unique to this test process (for markers in command lines).
std::string unique_word();

// True under CI=true, where a skipped required test must fail instead.
bool in_ci();

}  // namespace vg::test
