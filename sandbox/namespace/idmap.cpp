#include "sandbox/namespace/idmap.hpp"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace vg::sandbox::ns {

namespace {

constexpr size_t k_max_fds = 16;

struct Helper {
  const char* uid_map;
  const char* gid_map;
  int fd = -1;
  int err = 0;
  const char* step = "";
};

bool put(const char* path, const char* text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  auto len = static_cast<ssize_t>(std::strlen(text));
  bool ok = write(fd, text, static_cast<size_t>(len)) == len;
  close(fd);
  return ok;
}

// Runs in the helper, which shares vg's memory and fd table (and vg is
// suspended until it exits): only plain system calls, no allocation.
int helper_main(void* arg) {
  auto* h = static_cast<Helper*>(arg);
  for (const char* path : {"/proc/self/setgroups", "/proc/self/uid_map", "/proc/self/gid_map"}) {
    const char* text = path[11] == 's' ? "deny" : path[11] == 'u' ? h->uid_map : h->gid_map;
    if (!put(path, text) && !(path[11] == 's' && errno == ENOENT)) {
      h->err = errno;
      h->step = path;
      syscall(SYS_exit, 1);
    }
  }
  h->fd = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
  if (h->fd < 0) {
    h->err = errno;
    h->step = "/proc/self/ns/user";
  }
  syscall(SYS_exit, 0);
  return 0;
}

}  // namespace

int make_idmap_userns(uid_t uid, gid_t gid, std::string& why) {
  std::string uid_map = "65534 " + std::to_string(uid) + " 1\n";
  std::string gid_map = "65534 " + std::to_string(gid) + " 1\n";
  Helper h{uid_map.c_str(), gid_map.c_str()};
  alignas(16) static thread_local char stack[32 * 1024];
  int pid = clone(helper_main, stack + sizeof stack, CLONE_VM | CLONE_VFORK | CLONE_FILES | CLONE_NEWUSER | SIGCHLD, &h);
  if (pid < 0) {
    why = std::string("clone(CLONE_NEWUSER): ") + std::strerror(errno);
    return -1;
  }
  while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  if (h.fd < 0) {
    why = std::string("open or write \"") + h.step + "\": " + std::strerror(h.err);
    return -1;
  }
  return h.fd;
}

std::vector<int> make_idmapped_trees(const Plan& plan, int userns_fd, std::string& why) {
  std::vector<int> fds;
  auto give_up = [&](const std::string& what) {
    why = what + ": " + std::strerror(errno);
    for (int fd : fds) close(fd);
    fds.clear();
    return fds;
  };
  for (const auto& op : plan.mounts) {
    if (op.kind != MountOp::Kind::bind_idmapped) continue;
    if (fds.size() == k_max_fds) {
      errno = E2BIG;
      return give_up("too many idmapped trees");
    }
    int fd = static_cast<int>(
        syscall(SYS_open_tree, AT_FDCWD, op.data.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE));
    if (fd < 0) return give_up("open_tree(\"" + op.data + "\")");
    fds.push_back(fd);
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
    attr.userns_fd = static_cast<std::uint64_t>(userns_fd);
    if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) != 0) {
      return give_up("mount_setattr(\"" + op.data + "\", MOUNT_ATTR_IDMAP)");
    }
  }
  return fds;
}

}  // namespace vg::sandbox::ns
