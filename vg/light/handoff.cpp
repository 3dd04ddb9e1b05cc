#include "vg/handoff.hpp"

#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config/files.hpp"

namespace vg {

std::string full_binary_path() {
  std::string path = read_link("/proc/self/exe");
  if (path.empty()) return "vg-full";
  auto slash = path.rfind('/');
  return (slash == std::string::npos ? std::string() : path.substr(0, slash + 1)) + "vg-full";
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
