#pragma once
// Running the built vg (and shells) for the agents suite: a throwaway home
// with XDG directories and a work directory, stdin given, output captured.

#include <map>
#include <string>
#include <vector>

namespace vg::agents::e2e {

struct Ran {
  int exit_code = -1;  // 128+N for signal N; -1 on timeout
  std::string out;
  std::string err;
};

// A per-test home (HOME and XDG dirs inside it) and work directory; kept,
// with its path printed, when the test failed.
class Home {
 public:
  Home();
  ~Home();
  const std::string& path() const { return m_path; }
  std::string work() const { return m_path + "/work"; }
  // Write the user config ($XDG_CONFIG_HOME/vg/config.yaml).
  void config(const std::string& yaml) const;
  // The environment vg and the harness's shell get.
  std::vector<std::string> env() const;
  // Run `argv` (argv[0] a path) in `cwd` (default: work()) with `input` on stdin.
  Ran run(const std::vector<std::string>& argv, const std::string& input = "", const std::string& cwd = "") const;
  // Run `vg ARGS...`.
  Ran vg(const std::vector<std::string>& args, const std::string& input = "") const;

 private:
  std::string m_path;
};

// The vg binary under test (env VG_BIN, else the one this suite was built with).
std::string vg_bin();

// Return the text of a file; "" when it cannot be read.
std::string read_text(const std::string& path);
void write_text(const std::string& path, const std::string& text);
bool file_exists(const std::string& path);

}  // namespace vg::agents::e2e
