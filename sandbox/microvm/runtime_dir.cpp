#include "sandbox/microvm/runtime_dir.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace vg::sandbox::microvm {

namespace {
Result<void> private_dir(const std::string& path) {
  if (mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    return make_error("mkdir(\"" + path + "\"): " + std::strerror(errno));
  }
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return make_error("lstat(\"" + path + "\"): " + std::strerror(errno));
  if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
    return make_error(path + " is not a private directory owned by you (mode 0700); remove it and retry");
  }
  return {};
}
}  // namespace

Result<std::string> runtime_dir() {
  std::string base;
  const char* xdg = std::getenv("XDG_RUNTIME_DIR");
  if (xdg && *xdg == '/') {
    base = std::string(xdg) + "/vg";
  } else {
    base = "/tmp/vg-" + std::to_string(geteuid());
  }
  if (auto r = private_dir(base); !r) return r.error();
  std::string dir = base + "/microvm";
  if (auto r = private_dir(dir); !r) return r.error();
  return dir;
}

Result<std::string> make_run_dir(const std::string& prefix) {
  auto base = runtime_dir();
  if (!base) return base.error();
  std::string tmpl = *base + "/" + prefix + "-XXXXXX";
  if (!mkdtemp(tmpl.data())) return make_error("mkdtemp(\"" + tmpl + "\"): " + std::strerror(errno));
  return tmpl;
}

}  // namespace vg::sandbox::microvm
