#include "config/project.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace vg::config {
namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

std::string parent(const std::string& dir) {
  auto slash = dir.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return "/";
  return dir.substr(0, slash);
}

}  // namespace

std::string absolute_path(const std::string& path, const std::string& cwd) {
  std::string full = !path.empty() && path[0] == '/' ? path : cwd + "/" + path;
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= full.size()) {
    std::size_t slash = full.find('/', start);
    if (slash == std::string::npos) slash = full.size();
    std::string part = full.substr(start, slash - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = slash + 1;
  }
  std::string out;
  for (const auto& p : parts) out += "/" + p;
  return out.empty() ? "/" : out;
}

Project find_project(const std::string& cwd) {
  Project project;
  std::string git_root;
  std::string dir = absolute_path(cwd, "/");
  while (true) {
    std::string candidate = (dir == "/" ? "" : dir) + "/.vg.yaml";
    if (exists(candidate)) {
      project.config_file = candidate;
      project.root = dir;
      return project;
    }
    if (git_root.empty() && exists((dir == "/" ? "" : dir) + "/.git")) git_root = dir;
    if (dir == "/") break;
    dir = parent(dir);
  }
  project.root = git_root.empty() ? absolute_path(cwd, "/") : git_root;
  return project;
}

}  // namespace vg::config
