#pragma once
// The shared fixture of the microVM end-to-end tests: a throwaway workspace
// and runtime directory per test, the driver's path, and small file helpers.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/microvm/process.hpp"

namespace vg::microvm_test {

using namespace std::chrono_literals;

inline constexpr auto k_run = 240s;  // one boot + command under TCG on a loaded host

// The driver built with this suite (MICROVM_DRIVER overrides). The guest
// assets go to one data directory in the build tree, shared by the tests,
// unless XDG_DATA_HOME says otherwise.
inline std::string driver() {
  setenv("XDG_DATA_HOME", MICROVM_DATA_HOME, 0);
  const char* d = std::getenv("MICROVM_DRIVER");
  return d && *d ? d : MICROVM_DRIVER_PATH;
}

inline std::string make_temp(const std::string& prefix) {
  std::string t = "/tmp/" + prefix + "XXXXXX";
  if (!mkdtemp(t.data())) return "";
  return t;
}

inline void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline bool exists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

inline int count_entries(const std::string& dir, const std::string& prefix) {
  int n = 0;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) n += std::string(e->d_name).rfind(prefix, 0) == 0;
    closedir(d);
  }
  return n;
}

class Microvm : public ::testing::Test {
 protected:
  void SetUp() override {
    if (driver().empty() || access("/usr/bin/qemu-system-x86_64", X_OK) != 0) {
      const char* ci = std::getenv("CI");
      if (ci && std::string(ci) == "true") FAIL() << "qemu-system-x86 or the driver is missing, and CI requires this suite";
      GTEST_SKIP() << "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)";
    }
    m_workspace = make_temp("vgmw-");
    m_runtime = make_temp("vgmr-");
    ASSERT_FALSE(m_workspace.empty());
    ASSERT_FALSE(m_runtime.empty());
    chmod(m_runtime.c_str(), 0700);
  }
  void TearDown() override {
    if (HasFailure()) {
      std::fprintf(stderr, "kept for inspection: workspace %s runtime %s\n", m_workspace.c_str(), m_runtime.c_str());
      return;
    }
    std::string cmd = "rm -rf '" + m_workspace + "' '" + m_runtime + "'";
    if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "could not remove %s\n", m_workspace.c_str());
  }
  std::vector<std::string> env(const std::vector<std::string>& extra = {}) const {
    // The secret walk's index (vg's cache directory) and the quarantine (its
    // state directory) stay in the runtime directory.
    std::vector<std::string> e = {"XDG_RUNTIME_DIR=" + m_runtime, "XDG_CACHE_HOME=" + m_runtime + "/cache",
                                  "XDG_STATE_HOME=" + m_runtime + "/state"};
    e.insert(e.end(), extra.begin(), extra.end());
    return e;
  }
  std::vector<std::string> argv(const std::vector<std::string>& command) const {
    std::vector<std::string> a = {driver(), "--workspace", m_workspace, "--cwd", m_workspace, "--"};
    a.insert(a.end(), command.begin(), command.end());
    return a;
  }
  std::string m_workspace;
  std::string m_runtime;
};

}  // namespace vg::microvm_test
