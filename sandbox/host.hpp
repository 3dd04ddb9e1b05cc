#pragma once
// Running a command on the host, with vg out of the way: the child keeps
// vg's stdin, stdout, stderr, terminal and process group.

#include <string>
#include <vector>

#include "config/result.hpp"

namespace vg::sandbox {

// Run `argv` (looked up in PATH) with environment `env` ("K=V"); wait for it
// while forwarding signals. Return its exit code (128+N for signal N), or
// 127 / 126 with a message on stderr when it cannot be found / executed.
int run_on_host(const std::vector<std::string>& argv, const std::vector<std::string>& env);

}  // namespace vg::sandbox
