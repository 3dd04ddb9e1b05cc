#pragma once
// The fixture shared by the sandbox suites: a throwaway workspace, an
// "outside" directory that must never change, a fake HOME, and helpers that
// run a command (or the probe) through the namespace Launcher.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/sandbox/harness.hpp"

namespace vg::test {

class SandboxTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // The driver's command line for `cmd` with extra driver options `opts`.
  std::vector<std::string> driver(const std::vector<std::string>& opts, const std::vector<std::string>& cmd) const;
  // Run `cmd` in the sandbox (workspace = ws, cwd = ws).
  Ran sandbox(const std::vector<std::string>& cmd, const std::vector<std::string>& opts = {},
              const std::vector<std::string>& env = {});
  // Run the probe with `args` in the sandbox.
  Ran probe(const std::vector<std::string>& args, const std::vector<std::string>& opts = {},
            const std::vector<std::string>& env = {});
  // The outcome file of the last run ("change VERDICT KIND PATH\treason" lines).
  std::string outcome() const { return read_file(m_outcome); }
  std::vector<std::string> base_env() const;

  TempDir m_root{"suite"};
  std::string ws, outside, home, state, m_outcome;
  static std::string probe_path();

 public:
  // The driver (vg-sandbox-run): the build's, or VG_TEST_SANDBOX_RUN.
  static std::string driver_path();
};

// Expect the probe to report a denial (exit 0, "DENIED") and, when `errno_name`
// is given, that errno.
// `exit_code`: what the run ends with (73 when vg also kept a change aside).
void expect_denied(const Ran& r, const std::string& errno_name = "", int exit_code = 0);

}  // namespace vg::test
