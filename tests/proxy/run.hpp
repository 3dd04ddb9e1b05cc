#pragma once
// Running the vg binary from a test: argv, extra environment, captured
// stdout and stderr, a time limit.

#include <string>
#include <vector>

namespace vg::proxy_test {

// What a finished process produced.
struct Ran {
  int exit_code = -1;  // 128+N for signal N
  std::string out;
  std::string err;
};

// Run `argv` in directory `cwd` with our environment plus `env` ("K=V"),
// stdin from /dev/null; kill it after `timeout_s` seconds.
Ran run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env, const std::string& cwd,
                int timeout_s = 60);

}  // namespace vg::proxy_test
