#pragma once
// Test helpers: spawn the vg binary with pipes or a pseudo-terminal.

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace vg::test {

// A temporary directory kept (and its path printed) when the test failed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return m_path; }
  // Write `text` to `relative` below the directory (parents created).
  std::string write(const std::string& relative, const std::string& text) const;

 private:
  std::string m_path;
};

// An environment for vg: HOME and XDG dirs inside `home`, host route by
// default (mode disabled) unless `config_yaml` says otherwise.
std::vector<std::string> vg_env(const TempDir& home, const std::string& config_yaml = "sandbox:\n  mode: disabled\n",
                                const std::map<std::string, std::string>& extra = {});

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Run `argv` with `input` on stdin, capture stdout and stderr, wait at most
// `timeout`. exit_code is the raw code (128+N for signal N).
RunResult run(const std::vector<std::string>& argv, const std::vector<std::string>& env, const std::string& input = "",
              std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Path of the vg binary under test (env VG_BIN, else the one built with the suite).
std::string vg_bin();

// A process on a pseudo-terminal, driven like a person at a keyboard.
class PtySession {
 public:
  PtySession(const std::vector<std::string>& argv, const std::vector<std::string>& env);
  ~PtySession();
  // Type `keys`.
  void send(const std::string& keys);
  // Read until `needle` appears in the output (true) or `timeout` passes.
  bool expect(const std::string& needle, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Wait for the process to end; return its exit code (128+N for signals), -1 on timeout.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  const std::string& output() const { return m_output; }
  pid_t pid() const { return m_pid; }

 private:
  void pump(std::chrono::milliseconds timeout);
  int m_master = -1;
  pid_t m_pid = -1;
  std::string m_output;
};

}  // namespace vg::test
