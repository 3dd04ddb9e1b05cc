#include "config/install_layout.hpp"

#include <sys/stat.h>

#include "config/files.hpp"

namespace vg::config {

namespace {

bool is_file(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// The build directory of each helper's target, below the build tree's top.
std::string build_subdir(const std::string& name) {
  if (name == "vg-guest") return "guest";
  return "vg";
}

}  // namespace

std::string exe_dir() {
  std::string path = read_link("/proc/self/exe");
  return path.empty() ? path : parent_dir(path);
}

std::string build_tree_of(const std::string& dir) {
  std::string at = dir;
  for (int up = 0; up < 3 && !at.empty(); ++up) {
    if (is_file(at + "/CMakeCache.txt")) return at;
    if (at == "/") break;
    at = parent_dir(at);
  }
  return "";
}

std::vector<std::string> helper_candidates(const std::string& dir, const std::string& name) {
  // bin/vg -> libexec/vg/NAME (GNUInstallDirs); a helper beside the caller
  // (vg-full running from libexec/vg/, or both in one build directory).
  std::vector<std::string> out{dir + "/../libexec/vg/" + name, dir + "/" + name};
  if (std::string tree = build_tree_of(dir); !tree.empty()) {
    out.push_back(tree + "/" + build_subdir(name) + "/" + name);
  }
  return out;
}

std::string find_helper(const std::string& name) {
  std::string dir = exe_dir();
  if (dir.empty()) return "";
  for (const auto& p : helper_candidates(dir, name)) {
    if (is_file(p)) return p;
  }
  return "";
}

}  // namespace vg::config
