#pragma once
// Test helper (used by config/*_test.cpp only): a fresh temporary directory
// per test with HOME and XDG_* inside it, kept with its path printed when
// the test fails.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "config/load.hpp"

namespace vg::config::testing {

class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "vg-config-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    m_root = tmpl;
    home = m_root + "/home";
    std::filesystem::create_directories(home);
    env = {{"HOME", home}, {"XDG_CONFIG_HOME", home + "/.config"}, {"XDG_STATE_HOME", home + "/.local/state"}};
    work = m_root + "/work";
    std::filesystem::create_directories(work);
  }

  void TearDown() override {
    if (HasFailure()) {
      std::fprintf(stderr, "kept test directory: %s\n", m_root.c_str());
    } else {
      std::error_code ec;
      std::filesystem::remove_all(m_root, ec);
    }
  }

  // Write `text` to `path` (relative to the test root unless absolute), making directories.
  std::string write(const std::string& path, const std::string& text) {
    std::string full = path[0] == '/' ? path : m_root + "/" + path;
    std::filesystem::create_directories(std::filesystem::path(full).parent_path());
    std::ofstream(full, std::ios::binary) << text;
    return full;
  }

  std::string user_file() const { return home + "/.config/vg/config.yaml"; }

  // Options that read nothing outside the test root.
  LoadOptions options() const {
    LoadOptions o;
    o.cwd = work;
    o.env = env;
    o.use_process_env = false;
    o.system_file = m_root + "/etc/vg/config.yaml";
    return o;
  }

  std::string root() const { return m_root; }

  std::string home;
  std::string work;
  std::map<std::string, std::string> env;

 private:
  std::string m_root;
};

}  // namespace vg::config::testing
