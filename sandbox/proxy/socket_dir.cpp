#include "sandbox/proxy/socket_dir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

#include "sandbox/namespace/sweep.hpp"

namespace vg::sandbox::proxy {

namespace {

// This process's pid namespace, by inode: a name made in another one holds a
// pid that means nothing here, and is never swept.
std::string pid_namespace() {
  // A process cannot change its own pid namespace: read once.
  static const std::string ns = [] {
    struct stat st{};
    return stat("/proc/self/ns/pid", &st) == 0 ? std::to_string(st.st_ino) : std::string("0");
  }();
  return ns;
}

// True when the run directory `name` ("<pid>-<pidns>-XXXXXX") was made in
// the pid namespace `pidns`.
bool made_in(const std::string& name, const std::string& pidns) {
  auto dash = name.find('-');
  return dash != std::string::npos && name.compare(dash + 1, pidns.size() + 1, pidns + "-") == 0;
}

// Unlink every entry of the directory `dir_fd` but subdirectories (none are
// made in a run directory).
void unlink_entries(int dir_fd) {
  for (const auto& name : ns::list_entries(dir_fd, [](unsigned char t) { return t != DT_DIR; })) {
    unlinkat(dir_fd, name.c_str(), 0);
  }
}

bool remove_run_dir(int parent_fd, const std::string& name) {
  int fd = openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) {
    unlink_entries(fd);
    close(fd);
  }
  return unlinkat(parent_fd, name.c_str(), AT_REMOVEDIR) == 0;
}

// Open `base`, making it first: a directory of the caller's with no more
// permissions than `mode`, not a symlink (another user may have made the name
// first in /tmp).
int open_base(const std::string& base, mode_t mode, std::string& why) {
  if (mkdir(base.c_str(), mode) != 0 && errno != EEXIST) {
    why = "mkdir(\"" + base + "\"): " + std::strerror(errno);
    return -1;
  }
  int fd = open(base.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    why = "open(\"" + base + "\"): " + std::strerror(errno);
    return -1;
  }
  struct stat st{};
  if (fstat(fd, &st) != 0 || st.st_uid != geteuid() || (st.st_mode & 077 & ~mode) != 0) {
    close(fd);
    char octal[8];
    std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode));
    why = base + " is not a directory of this user's with mode " + octal + " at most";
    return -1;
  }
  return fd;
}

// vg's per-user runtime directory, made private if needed; "" with `why`.
std::string runtime_base(std::string& why) {
  const char* xdg = std::getenv("XDG_RUNTIME_DIR");
  std::string dir = xdg && *xdg == '/' ? std::string(xdg) + "/vg" : "/tmp/vg-" + std::to_string(geteuid());
  struct stat st{};
  if ((mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) || lstat(dir.c_str(), &st) != 0) {
    why = "mkdir(\"" + dir + "\"): " + std::strerror(errno);
    return "";
  }
  if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
    why = dir + " is not a private directory (mode 0700) of this user";
    return "";
  }
  return dir + "/net";
}

// Where run directories go, and the mode of that directory. Root's sandbox
// runs as another host uid (plan.hpp), which must pass through to reach its
// run directory (give()): root's own runtime directory stays private, and
// /run (root's, a tmpfs) holds a searchable, unlistable one.
std::string default_base(mode_t& mode, std::string& why) {
  if (geteuid() == 0) {
    mode = 0711;
    struct stat st{};
    return stat("/run", &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == 0 ? "/run/vg-net" : "/tmp/vg-net-0";
  }
  mode = 0700;
  return runtime_base(why);
}

}  // namespace

Result<SocketDir> SocketDir::make(const std::string& base_path) {
  std::string why;
  mode_t mode = 0700;
  const std::string base = base_path.empty() ? default_base(mode, why) : base_path;
  const std::string pidns = pid_namespace();
  SocketDir dir;
  // Again if the base goes (someone cleaned up) between our open and mkdtemp.
  for (int attempt = 0; attempt < 3 && dir.m_path.empty() && !base.empty(); ++attempt) {
    int base_fd = open_base(base, mode, why);
    if (base_fd < 0) break;
    ns::sweep_dead(base_fd, "", remove_run_dir, [&](const std::string& name) { return !made_in(name, pidns); });
    std::string tmpl = base + "/" + std::to_string(getpid()) + "-" + pidns + "-XXXXXX";
    bool made = mkdtemp(tmpl.data()) != nullptr;
    int err = errno;
    close(base_fd);
    if (made) {
      dir.m_path = tmpl;
    } else {
      why = "mkdtemp(\"" + tmpl + "\"): " + std::strerror(err);
      if (err != ENOENT) break;
    }
  }
  if (dir.m_path.empty() && base_path.empty()) {
    // The runtime directory is not usable (another user took its name in
    // /tmp): a directory of its own in /tmp, removed the same way but not
    // swept if vg is killed before the sandbox is set up.
    std::string tmpl = "/tmp/vg-net-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) {
      return make_error("mkdtemp(\"" + tmpl + "\"): " + std::strerror(errno) + " (after " + why + ")");
    }
    dir.m_path = tmpl;
  }
  if (dir.m_path.empty()) return make_error(why);
  dir.m_fd.reset(open(dir.m_path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!dir.m_fd.valid()) {
    std::string failed = "open(\"" + dir.m_path + "\"): " + std::strerror(errno);
    dir.remove();
    return make_error(failed);
  }
  return dir;
}

SocketDir::SocketDir(SocketDir&& other) noexcept
    : m_path(std::exchange(other.m_path, {})), m_fd(std::move(other.m_fd)) {}

SocketDir& SocketDir::operator=(SocketDir&& other) noexcept {
  if (this != &other) {
    remove();
    m_path = std::exchange(other.m_path, {});
    m_fd = std::move(other.m_fd);
  }
  return *this;
}

SocketDir::~SocketDir() { remove(); }

Result<void> SocketDir::give(uid_t uid, gid_t gid) {
  if (uid == geteuid() || !m_fd.valid()) return {};
  std::vector<std::string> names;
  if (lseek(m_fd.get(), 0, SEEK_SET) == 0) {
    alignas(dirent64) char buf[4096];
    ssize_t n;
    while ((n = getdents64(m_fd.get(), buf, sizeof buf)) > 0) {
      for (ssize_t off = 0; off < n;) {
        const auto* e = reinterpret_cast<const dirent64*>(buf + off);
        off += e->d_reclen;
        if (e->d_type != DT_DIR) names.emplace_back(e->d_name);
      }
    }
  }
  for (const auto& name : names) {
    if (fchownat(m_fd.get(), name.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW) != 0) {
      return make_error("chown(\"" + m_path + "/" + name + "\"): " + std::strerror(errno));
    }
  }
  if (fchown(m_fd.get(), uid, gid) != 0) return make_error("chown(\"" + m_path + "\"): " + std::strerror(errno));
  return {};
}

std::string SocketDir::at(const std::string& name) const {
  return "/proc/self/fd/" + std::to_string(m_fd.get()) + "/" + name;
}

void SocketDir::remove() {
  if (m_path.empty()) return;
  if (m_fd.valid()) unlink_entries(m_fd.get());
  rmdir(m_path.c_str());
  m_path.clear();
}

}  // namespace vg::sandbox::proxy
