#include "vg/process_info.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace vg {

std::string current_dir() {
  char buf[4096];
  return ::getcwd(buf, sizeof buf) ? buf : "";
}

std::string user_name() {
  struct passwd pw{};
  struct passwd* found = nullptr;
  char buf[1024];
  if (::getpwuid_r(::geteuid(), &pw, buf, sizeof buf, &found) == 0 && found) return found->pw_name;
  const char* user = std::getenv("USER");
  return user ? user : "";
}

}  // namespace vg
