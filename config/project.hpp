#pragma once
// Finding the project: the nearest .vg.yaml walking up from the working
// directory, and the project root.

#include <string>

namespace vg::config {

struct Project {
  std::string config_file;  // nearest .vg.yaml; empty when none
  std::string root;         // dir of .vg.yaml, else nearest dir with .git, else cwd
};

// Walk up from `cwd` (absolute) to `/` looking for .vg.yaml and .git.
Project find_project(const std::string& cwd);

// Return `path` made absolute against `cwd`, with `.`/`..`/`//` removed
// lexically (symlinks are not resolved).
std::string absolute_path(const std::string& path, const std::string& cwd);

}  // namespace vg::config
