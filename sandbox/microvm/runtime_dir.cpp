#include "sandbox/microvm/runtime_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "sandbox/microvm/files.hpp"
#include "sandbox/namespace/sweep.hpp"

namespace vg::sandbox::microvm {

namespace {

// This process's pid namespace, by inode (read once: it cannot change).
const std::string& pid_namespace() {
  static const std::string ns = [] {
    struct stat st{};
    return stat("/proc/self/ns/pid", &st) == 0 ? std::to_string(st.st_ino) : std::string("0");
  }();
  return ns;
}

// True when `name` ("<prefix><pid>-<pidns>-XXXXXX") was made in the pid
// namespace `pidns`: a name made in another holds a pid that means nothing here.
bool made_in(const std::string& name, const std::string& prefix, const std::string& pidns) {
  auto dash = name.find('-', prefix.size());
  return dash != std::string::npos && name.compare(dash + 1, pidns.size() + 1, pidns + "-") == 0;
}

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

Result<std::string> make_owned_dir(const std::string& parent, const std::string& prefix) {
  const std::string pidns = pid_namespace();
  int fd = open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) {
    ns::sweep_dead(
        fd, prefix, [&](int, const std::string& name) { return remove_tree(parent + "/" + name); },
        [&](const std::string& name) { return !made_in(name, prefix, pidns); });
    close(fd);
  }
  std::string tmpl = parent + "/" + prefix + std::to_string(getpid()) + "-" + pidns + "-XXXXXX";
  if (!mkdtemp(tmpl.data())) return make_error("mkdtemp(\"" + tmpl + "\"): " + std::strerror(errno));
  return tmpl;
}

Result<std::string> make_run_dir(const std::string& prefix) {
  auto base = runtime_dir();
  if (!base) return base.error();
  return make_owned_dir(*base, prefix + "-");
}

}  // namespace vg::sandbox::microvm
