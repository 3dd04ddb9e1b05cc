#pragma once
// Test harness for the router suite: a throwaway home with XDG dirs, a
// config file, a directory of fake programs, and ways to run vg in it.
//
// Safety: every "dangerous" command these tests classify is either refused
// before it runs or resolves (through PATH) to a fake program in the test's
// own fakebin/ that only creates a marker file. Nothing destructive runs.

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace vg::router::e2e {

// A per-test home: HOME, XDG dirs, work dir (the cwd of vg), fakebin/ first
// in PATH. Kept, with its path printed, when the test failed.
class Home {
 public:
  Home();
  ~Home();
  const std::string& path() const { return m_path; }
  std::string work() const { return m_path + "/work"; }
  std::string state() const { return m_path + "/state/vg"; }
  std::string audit_log() const { return state() + "/audit.jsonl"; }
  std::string mock_record() const { return m_path + "/mock-record.jsonl"; }
  // Write the user config file ($XDG_CONFIG_HOME/vg/config.yaml).
  void config(const std::string& yaml) const;
  // Install fakebin/NAME: a script that appends its argv to fakebin/NAME.ran
  // and exits with `exit_code`.
  void fake_program(const std::string& name, int exit_code = 0) const;
  // True when the fake program NAME has run at least once.
  bool fake_ran(const std::string& name) const;
  // Write `text` to `relative` below the home; return its path.
  std::string write(const std::string& relative, const std::string& text) const;
  bool exists(const std::string& relative) const;
  std::string read(const std::string& relative) const;
  // The environment for vg (no inherited VG_* variables).
  std::vector<std::string> env(const std::map<std::string, std::string>& extra = {}) const;

 private:
  std::string m_path;
};

struct RunResult {
  int exit_code = -1;  // 128+N for signal N; -1 on timeout
  std::string out;
  std::string err;
};

// Run vg with `args` in `home.work()`, in a new session (no controlling
// terminal, so a prompt falls back), stdin empty.
RunResult vg(const Home& home, const std::vector<std::string>& args,
             const std::map<std::string, std::string>& extra_env = {});

// Path of the vg binary under test (env VG_BIN).
std::string vg_bin();

// vg on a pseudo-terminal (its controlling terminal), driven like a person.
class PtySession {
 public:
  PtySession(const Home& home, const std::vector<std::string>& args,
             const std::map<std::string, std::string>& extra_env = {});
  ~PtySession();
  void send(const std::string& keys);
  // Read until `needle` appears (true) or `timeout` passes (false).
  bool expect(const std::string& needle, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Wait for the end; the exit code, or -1 on timeout.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  const std::string& output() const { return m_output; }

 private:
  void pump(std::chrono::milliseconds timeout);
  int m_master = -1;
  pid_t m_pid = -1;
  std::string m_output;
};

}  // namespace vg::router::e2e
