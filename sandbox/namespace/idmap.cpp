#include "sandbox/namespace/idmap.hpp"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vg::sandbox::ns {

namespace {

constexpr size_t k_max_fds = 16;

}  // namespace

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

bool send_fds(int sock, char kind, const std::vector<int>& fds) {
  if (fds.size() > k_max_fds) {
    errno = E2BIG;
    return false;
  }
  iovec iov{&kind, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * k_max_fds)] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (!fds.empty()) {
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
  }
  ssize_t n;
  do {
    n = sendmsg(sock, &msg, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  return n == 1;
}

bool receive_fds(int sock, char& kind, std::vector<int>& fds, std::string& text) {
  char buf[2048];
  iovec iov{buf, sizeof buf - 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * k_max_fds)] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do {
    n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return false;
  buf[n] = '\0';
  kind = buf[0];
  text.assign(buf + 1, static_cast<size_t>(n - 1));
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      fds.push_back(fd);
    }
  }
  return true;
}

}  // namespace vg::sandbox::ns
