#pragma once
// The fixture of the policy engine's tests: an "upper" directory laid out the
// way overlayfs leaves it, a "workspace" and an "outside" directory that must
// never be touched, all under a fresh temporary directory.

#include <gtest/gtest.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "sandbox/policy/policy.hpp"

namespace vg::sandbox::policy::test {

namespace fs = std::filesystem;
using vg::sandbox::Change;

class PolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vg-policy-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    m_root = tmpl;
    upper = m_root + "/upper";
    ws = m_root + "/ws";
    outside = m_root + "/outside";
    fs::create_directories(upper);
    fs::create_directories(ws);
    fs::create_directories(outside);
    rules.quarantine_base = m_root + "/quarantine";
  }
  void TearDown() override {
    if (HasFailure()) {
      std::fprintf(stderr, "test directory kept: %s\n", m_root.c_str());
    } else {
      fs::remove_all(m_root);
    }
  }
  static void write(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << text;
  }
  static std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  Report commit() {
    auto r = commit_write_set(upper, ws, rules);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : Report{};
  }
  static const Change* find(const Report& r, const std::string& path) {
    for (const auto& c : r.changes) {
      if (c.path == path) return &c;
    }
    return nullptr;
  }
  // Set the ctime of everything in the workspace in the past relative to the run.
  void start_run() {
    usleep(20000);
    clock_gettime(CLOCK_REALTIME_COARSE, &rules.started_at);
    usleep(20000);
  }

  std::string m_root, upper, ws, outside;
  Rules rules;
};

}  // namespace vg::sandbox::policy::test
