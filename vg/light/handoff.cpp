#include "vg/handoff.hpp"

#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config/install_layout.hpp"

namespace vg {

std::string full_binary_path() {
  if (std::string found = config::find_helper("vg-full"); !found.empty()) return found;
  // Not found: name where it belongs in an installed tree.
  std::string dir = config::exe_dir();
  return dir.empty() ? "vg-full" : dir + "/../libexec/vg/vg-full";
}

std::string exec_full(const std::vector<std::string>& argv) {
  std::string path = full_binary_path();
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  args.push_back(path.data());
  for (std::size_t i = 1; i < argv.size(); ++i) args.push_back(const_cast<char*>(argv[i].c_str()));
  args.push_back(nullptr);
  ::execv(path.c_str(), args.data());
  return "cannot run " + path + ": " + std::strerror(errno);
}

}  // namespace vg
