#include "sandbox/microvm/confine.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vg::sandbox::microvm {

namespace {

std::string fail(const std::string& call, const std::string& path) {
  return call + "(\"" + path + "\"): " + std::strerror(errno);
}

bool write_text(const char* path, const std::string& text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  return ok;
}

bool make_dirs(const std::string& path) {
  for (std::size_t pos = 1; pos != std::string::npos;) {
    pos = path.find('/', pos + 1);
    std::string part = path.substr(0, pos);
    if (mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) return false;
  }
  return true;
}

// Bind `path` at the same place under `root`; read-only when `ro`. Flags the
// kernel locked on the source mount (nosuid, nodev, noexec) must be kept on
// the read-only remount, or an unprivileged remount fails.
std::string bind(const std::string& root, const std::string& path, bool ro) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return fail("stat", path);
  std::string target = root + path;
  std::string parent = target.substr(0, target.rfind('/'));
  if (!make_dirs(parent)) return fail("mkdir", parent);
  if (S_ISDIR(st.st_mode)) {
    if (mkdir(target.c_str(), 0755) != 0 && errno != EEXIST) return fail("mkdir", target);
  } else {
    int fd = open(target.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return fail("open", target);
    close(fd);
  }
  if (mount(path.c_str(), target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) return fail("mount --bind", path);
  if (ro) {
    struct statvfs vfs{};
    statvfs(path.c_str(), &vfs);
    unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY;
    if (vfs.f_flag & ST_NOSUID) flags |= MS_NOSUID;
    if (vfs.f_flag & ST_NODEV) flags |= MS_NODEV;
    if (vfs.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
    if (mount(nullptr, target.c_str(), nullptr, flags, nullptr) != 0) return fail("remount read-only", path);
  }
  return "";
}

// Cover each hidden path with the empty file or directory made before the
// pivot (paths now resolve inside the new root only). A path removed since
// the walk needs no cover; any other failure stops QEMU from starting.
std::string cover_hidden(const HiddenPaths& hidden) {
  for (const auto* list : {&hidden.files, &hidden.dirs}) {
    const char* empty = list == &hidden.files ? "/.vg-empty-file" : "/.vg-empty-dir";
    for (const auto& p : *list) {
      if (mount(empty, p.c_str(), nullptr, MS_BIND, nullptr) != 0) {
        if (errno == ENOENT) continue;
        return fail("mount --bind (hiding)", p);
      }
      if (mount(nullptr, p.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr) != 0) {
        return fail("remount read-only (hiding)", p);
      }
    }
  }
  return "";
}

}  // namespace

std::string confine(const ConfineSpec& spec) {
  uid_t uid = geteuid();
  gid_t gid = getegid();
  if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) return fail("unshare", "user+mount namespace");
  if (!write_text("/proc/self/setgroups", "deny")) return fail("write", "/proc/self/setgroups");
  if (!write_text("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1\n")) return fail("write", "/proc/self/uid_map");
  if (!write_text("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1\n")) return fail("write", "/proc/self/gid_map");
  // Nothing done here may propagate back to the host's mounts.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return fail("mount --make-rprivate", "/");
  const std::string& root = spec.new_root;
  if (mount("tmpfs", root.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0) return fail("mount tmpfs", root);
  for (const auto& p : spec.read_only) {
    if (auto e = bind(root, p, true); !e.empty()) return e;
  }
  for (const auto& p : spec.read_write) {
    if (auto e = bind(root, p, false); !e.empty()) return e;
  }
  for (const auto& p : spec.devices) {
    if (auto e = bind(root, p, false); !e.empty()) return e;
  }
  // QEMU's 9p server reaches xattrs and some metadata through
  // /proc/self/fd/N/NAME (there are no *xattrat calls); without /proc every
  // overlay copy-up in the guest fails with ENOENT.
  if (auto e = bind(root, "/proc", false); !e.empty()) return e;
  // Debian merges /usr: the loader and libraries are reached through these links.
  for (const char* link : {"bin", "sbin", "lib", "lib64"}) {
    std::string target = std::string("usr/") + link;
    if (symlink(target.c_str(), (root + "/" + link).c_str()) != 0 && errno != EEXIST) return fail("symlink", link);
  }
  if (!spec.hidden.files.empty() || !spec.hidden.dirs.empty()) {
    int fd = open((root + "/.vg-empty-file").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0444);
    if (fd < 0) return fail("open", root + "/.vg-empty-file");
    close(fd);
    if (mkdir((root + "/.vg-empty-dir").c_str(), 0555) != 0) return fail("mkdir", root + "/.vg-empty-dir");
  }
  std::string old_root = root + "/.old-root";
  if (mkdir(old_root.c_str(), 0700) != 0) return fail("mkdir", old_root);
  if (syscall(SYS_pivot_root, root.c_str(), old_root.c_str()) != 0) return fail("pivot_root", root);
  if (chdir("/") != 0) return fail("chdir", "/");
  if (umount2("/.old-root", MNT_DETACH) != 0) return fail("umount", "/.old-root");
  rmdir("/.old-root");
  return cover_hidden(spec.hidden);
}

}  // namespace vg::sandbox::microvm
