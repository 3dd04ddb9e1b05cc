#pragma once
// Helpers for the cache unit tests: per-test temporary directories (kept,
// with their path printed, when a test fails) and small file utilities.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace vg::cache::testing {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/vg-cache-test-XXXXXX";
    char* p = ::mkdtemp(tmpl);
    if (!p) std::abort();
    m_path = p;
  }
  ~TempDir() {
    if (::testing::Test::HasFailure()) {
      std::fprintf(stderr, "kept test directory %s\n", m_path.c_str());
    } else {
      std::string cmd = "rm -rf '" + m_path + "'";
      if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "could not remove %s\n", m_path.c_str());
    }
  }
  const std::string& path() const { return m_path; }
  std::string operator/(const std::string& rel) const { return m_path + "/" + rel; }

 private:
  std::string m_path;
};

inline void write_text(const std::string& path, const std::string& text, mode_t mode = 0644) {
  auto slash = path.rfind('/');
  std::string cmd = "mkdir -p '" + path.substr(0, slash) + "'";
  if (std::system(cmd.c_str()) != 0) std::abort();
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  ::chmod(path.c_str(), mode);
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline bool path_exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace vg::cache::testing
