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
#include <string_view>

namespace vg::sandbox::ns {

namespace {

constexpr size_t k_max_fds = 16;

bool put(const std::string& path, const std::string& text) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  int err = errno;
  close(fd);
  errno = err;
  return ok;
}

// The helper: blocks until the pipe's write end is closed, then exits.
int hold_until_closed(void* arg) {
  // One read (no errno: it is vg's, shared through CLONE_VM); ended early,
  // the helper's maps cannot be written and vg fails closed.
  char c;
  syscall(SYS_read, *static_cast<int*>(arg), &c, 1);
  syscall(SYS_exit, 0);
  return 0;
}

}  // namespace

int make_idmap_userns(uid_t uid, gid_t gid, std::string& why) {
  // A helper process in a new user namespace waits on a pipe while vg (with
  // CAP_SETUID here; the helper could only map its own id) writes its maps
  // and takes a reference to the namespace; then it is let go.
  int hold[2];
  if (pipe2(hold, O_CLOEXEC) != 0) {
    why = std::string("pipe2: ") + std::strerror(errno);
    return -1;
  }
  // CLONE_VM: no copy of vg's page tables (a fork of the static binary cost
  // ~0.3 ms); the helper runs on a stack of its own and makes plain system
  // calls only. It waits for the write end to close: with CLONE_FILES it
  // shares vg's table, so vg's close is its end of file.
  alignas(16) static thread_local char stack[16 * 1024];
  int pid = clone(hold_until_closed, stack + sizeof stack, CLONE_VM | CLONE_FILES | CLONE_NEWUSER | SIGCHLD, &hold[0]);
  if (pid < 0) {
    why = std::string("clone(CLONE_NEWUSER): ") + std::strerror(errno);
    close(hold[0]);
    close(hold[1]);
    return -1;
  }
  std::string dir = "/proc/" + std::to_string(pid) + "/";
  int fd = -1;
  if (!put(dir + "uid_map", "0 " + std::to_string(uid) + " 1\n")) {
    why = "writing " + dir + "uid_map: " + std::strerror(errno);
  } else if (!put(dir + "gid_map", "0 " + std::to_string(gid) + " 1\n")) {
    why = "writing " + dir + "gid_map: " + std::strerror(errno);
  } else if ((fd = open((dir + "ns/user").c_str(), O_RDONLY | O_CLOEXEC)) < 0) {
    why = "open(" + dir + "ns/user): " + std::strerror(errno);
  }
  close(hold[1]);
  while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  close(hold[0]);
  return fd;
}

std::vector<int> make_idmapped_trees(const Plan& plan, int userns_fd, std::string& why) {
  std::vector<int> fds;
  auto give_up = [&](const std::string& what) {
    why = what + ": " + std::strerror(errno);
    for (int fd : fds) close(fd);
    fds.clear();
    return fds;
  };
  std::vector<const MountOp*> ops(plan.tree_count, nullptr);
  for (const auto& op : plan.mounts) {
    if (op.tree >= 0 && static_cast<size_t>(op.tree) < ops.size()) ops[static_cast<size_t>(op.tree)] = &op;
  }
  if (ops.size() > k_max_fds) {
    errno = E2BIG;
    return give_up("too many idmapped trees");
  }
  std::string_view old_root(k_old_root);
  for (const MountOp* op : ops) {
    if (!op || !op->source.starts_with(old_root)) {
      errno = EINVAL;
      return give_up("an idmapped tree without a host source");
    }
    std::string path = op->source.substr(old_root.size());
    int fd = static_cast<int>(
        syscall(SYS_open_tree, AT_FDCWD, path.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE));
    if (fd < 0) return give_up("open_tree(\"" + path + "\")");
    fds.push_back(fd);
    mount_attr attr{};
    // An overlay's lower layer is only read; a read-write volume is written.
    attr.attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                    (op->kind == MountOp::Kind::bind_rw ? 0 : MOUNT_ATTR_RDONLY);
    attr.userns_fd = static_cast<std::uint64_t>(userns_fd);
    if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) != 0) {
      return give_up("mount_setattr(\"" + path + "\", MOUNT_ATTR_IDMAP)");
    }
  }
  return fds;
}

}  // namespace vg::sandbox::ns
