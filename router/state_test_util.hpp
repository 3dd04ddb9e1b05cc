#pragma once
// Helpers for router unit tests that touch files: a temporary directory.

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace vg::router::test {

// Make a fresh directory under /tmp and return its path.
inline std::string make_temp_dir() {
  char tmpl[] = "/tmp/vg-router-test-XXXXXX";
  const char* d = ::mkdtemp(tmpl);
  return d ? d : "";
}

// Return the contents of `path` ("" when missing).
inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Write `text` to `path`.
inline void spit(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

}  // namespace vg::router::test
