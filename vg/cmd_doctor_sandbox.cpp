// `vg doctor` checks of the namespace sandbox (vg/doctor.hpp): user and
// mount namespaces, overlayfs inside them, idmapped mounts (root only),
// cgroup delegation, seccomp filters and user notification.
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "sandbox/namespace/cgroup.hpp"
#include "sandbox/namespace/idmap.hpp"
#include "sandbox/namespace/plan.hpp"
#include "vg/doctor.hpp"

namespace vg {
namespace {

using doctor::Finding;
using doctor::Status;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

// What a throwaway child could do in new user and mount namespaces: the
// step that failed ("" when all worked) and its errno.
struct NsProbe {
  std::string failed;
  int error = 0;
};

bool write_proc(const char* path, const std::string& text) {
  int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok;
}

// In the child: each step as the sandbox does it; report the first failure.
[[noreturn]] void probe_child(int out) {
  auto fail = [out](const char* step) {
    char msg[128];
    int n = std::snprintf(msg, sizeof msg, "%s %d", step, errno);
    (void)!::write(out, msg, static_cast<std::size_t>(n));
    ::_exit(1);
  };
  uid_t uid = ::geteuid();
  gid_t gid = ::getegid();
  if (::unshare(CLONE_NEWUSER) != 0) fail("unshare(CLONE_NEWUSER)");
  write_proc("/proc/self/setgroups", "deny");
  if (!write_proc("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1\n")) fail("write(/proc/self/uid_map)");
  if (!write_proc("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1\n")) fail("write(/proc/self/gid_map)");
  if (::unshare(CLONE_NEWNS) != 0) fail("unshare(CLONE_NEWNS)");
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) fail("mount(/, MS_PRIVATE)");
  if (::mount("vg-doctor", "/tmp", "tmpfs", 0, "size=1m") != 0) fail("mount(tmpfs)");
  for (const char* d : {"/tmp/l", "/tmp/u", "/tmp/w", "/tmp/m"}) {
    if (::mkdir(d, 0700) != 0) fail("mkdir");
  }
  if (::mount("overlay", "/tmp/m", "overlay", 0, "lowerdir=/tmp/l,upperdir=/tmp/u,workdir=/tmp/w") != 0) {
    fail("mount(overlay)");
  }
  ::_exit(0);
}

const NsProbe& ns_probe() {
  static const NsProbe probe = [] {
    NsProbe p;
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return NsProbe{"pipe2", errno};
    pid_t pid = ::fork();
    if (pid < 0) return NsProbe{"fork", errno};
    if (pid == 0) {
      ::close(fds[0]);
      probe_child(fds[1]);
    }
    ::close(fds[1]);
    char buf[128] = {};
    ssize_t n = ::read(fds[0], buf, sizeof buf - 1);
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (n > 0) {
      std::string msg(buf, static_cast<std::size_t>(n));
      auto space = msg.rfind(' ');
      p.failed = msg.substr(0, space);
      p.error = std::atoi(msg.c_str() + space + 1);
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      p.failed = "the probe process";
    }
    return p;
  }();
  return probe;
}

bool is_user_step(const std::string& step) { return step.find("CLONE_NEWUSER") != std::string::npos || step.find("_map") != std::string::npos; }

Finding check_userns(const doctor::Env&) {
  const NsProbe& p = ns_probe();
  if (p.failed.empty() || !is_user_step(p.failed)) {
    if (p.failed == "unshare(CLONE_NEWNS)" || p.failed == "mount(/, MS_PRIVATE)") {
      return {Status::fail, p.failed + ": " + std::strerror(p.error), "a container may forbid mount namespaces: run vg on the host, or in a container started with --privileged or with seccomp and AppArmor relaxed"};
    }
    return {Status::ok, "unshare(CLONE_NEWUSER | CLONE_NEWNS) works", ""};
  }
  std::string fix = "allow unprivileged user namespaces: sysctl -w user.max_user_namespaces=15000";
  if (read_text("/proc/sys/kernel/unprivileged_userns_clone") == "0") fix = "sysctl -w kernel.unprivileged_userns_clone=1";
  if (read_text("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == "1") {
    fix = "AppArmor restricts unprivileged user namespaces: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or an AppArmor profile for vg";
  }
  return {Status::fail, p.failed + ": " + std::strerror(p.error), fix};
}

Finding check_overlay(const doctor::Env&) {
  const NsProbe& p = ns_probe();
  if (p.failed.empty()) return {Status::ok, "an overlay mounts inside a user namespace", ""};
  if (p.failed != "mount(overlay)") return {Status::fail, "not tried: " + p.failed + " failed first", "see user namespaces"};
  bool known = read_text("/proc/filesystems").find("\toverlay") != std::string::npos;
  return {Status::fail, "mount(overlay): " + std::string(std::strerror(p.error)),
          known ? "overlayfs in a user namespace needs Linux 5.11 or later"
                : "load the overlay module (modprobe overlay), or use a kernel with CONFIG_OVERLAY_FS"};
}

Finding check_idmap(const doctor::Env& env) {
  if (env.uid != 0) return {Status::skip, "not needed: only a sandbox that root starts maps its workspace", ""};
  std::string why;
  int userns = sandbox::ns::make_idmap_userns(sandbox::ns::k_root_sandbox_id, sandbox::ns::k_root_sandbox_id, why);
  if (userns < 0) return {Status::fail, why, "idmapped mounts need Linux 5.12 or later"};
  int tree = static_cast<int>(::syscall(SYS_open_tree, AT_FDCWD, env.cwd.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
  if (tree < 0) {
    int err = errno;
    ::close(userns);
    return {Status::fail, "open_tree(\"" + env.cwd + "\"): " + std::strerror(err), "idmapped mounts need Linux 5.12 or later"};
  }
  mount_attr attr{};
  attr.attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY;
  attr.userns_fd = static_cast<std::uint64_t>(userns);
  int rc = static_cast<int>(::syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr));
  int err = errno;
  ::close(tree);
  ::close(userns);
  if (rc != 0) {
    return {Status::fail, "mount_setattr(\"" + env.cwd + "\", MOUNT_ATTR_IDMAP): " + std::strerror(err),
            "the file system of this directory cannot be idmapped (ext4, xfs, btrfs and tmpfs on Linux 6.3+ can): "
            "work from one that can, or run vg as an ordinary user"};
  }
  return {Status::ok, "the working directory can be mounted idmapped", ""};
}

Finding check_cgroup(const doctor::Env&) {
  struct statfs fs;
  if (::statfs("/sys/fs/cgroup", &fs) != 0) {
    return {Status::warn, "no /sys/fs/cgroup: limits fall back to rlimits", "mount cgroup2 on /sys/fs/cgroup"};
  }
  if (fs.f_type != CGROUP2_SUPER_MAGIC) {
    return {Status::warn, "cgroup v1: memory, pids and cpu limits work for root only",
            "boot with cgroup v2 (systemd.unified_cgroup_hierarchy=1)"};
  }
  std::string self;
  std::istringstream lines(read_text("/proc/self/cgroup"));
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("0::", 0) == 0) self = line.substr(3);
  }
  if (self == "/") self.clear();
  sandbox::ns::CgroupSystem system;
  auto parent = sandbox::ns::choose_v2_parent(system, self, {"memory", "pids", "cpu"});
  if (parent.why.empty()) return {Status::ok, "memory, pids and cpu limits hold for the whole sandbox (" + parent.dir + ")", ""};
  return {Status::warn, parent.why + "; memory and cpu limits fall back to rlimits per process",
          "run vg where a cgroup is delegated to you (systemd-run --user --scope vg ...); "
          "sandbox.resources.require_limits: true refuses instead of falling back"};
}

Finding check_seccomp(const doctor::Env&) {
  std::uint32_t action = SECCOMP_RET_ERRNO;
  if (::syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) != 0) {
    return {Status::fail, std::string("seccomp(SECCOMP_GET_ACTION_AVAIL): ") + std::strerror(errno),
            "a kernel with CONFIG_SECCOMP_FILTER"};
  }
  return {Status::ok, "seccomp filters can refuse system calls", ""};
}

Finding check_seccomp_notify(const doctor::Env&) {
  std::uint32_t action = SECCOMP_RET_USER_NOTIF;
  if (::syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) != 0) {
    return {Status::warn, std::string("SECCOMP_RET_USER_NOTIF: ") + std::strerror(errno) +
                              "; runs cannot be traced, so the cache keys them on the whole workspace",
            "Linux 5.0 or later traces a run's inputs"};
  }
  seccomp_notif_sizes sizes{};
  if (::syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0) {
    return {Status::warn, std::string("SECCOMP_GET_NOTIF_SIZES: ") + std::strerror(errno), "Linux 5.0 or later"};
  }
  return {Status::ok, "user notification works: the cache traces a run's inputs", ""};
}

bool root_on_namespace(const doctor::Env& e) { return e.uid == 0 && doctor::for_namespace(e); }

const doctor::CheckRegistration k_userns{{"sandbox", "user namespaces", 10, doctor::for_namespace, check_userns}};
const doctor::CheckRegistration k_overlay{{"sandbox", "overlayfs", 20, doctor::for_namespace, check_overlay}};
const doctor::CheckRegistration k_idmap{{"sandbox", "idmapped mounts", 30, root_on_namespace, check_idmap}};
const doctor::CheckRegistration k_cgroup{{"sandbox", "cgroup delegation", 40, nullptr, check_cgroup}};
const doctor::CheckRegistration k_seccomp{{"sandbox", "seccomp filter", 50, doctor::for_namespace, check_seccomp}};
const doctor::CheckRegistration k_notify{{"sandbox", "seccomp user notification", 60, nullptr, check_seccomp_notify}};

}  // namespace
}  // namespace vg
