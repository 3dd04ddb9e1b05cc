// Building the sandbox inside the new namespaces. Order matters:
//  1. make every mount a slave, so nothing propagates back to the host;
//  2. create the upper-directory tmpfs (its size is the disk limit) as a
//     detached mount: its fd goes to the parent, which commits from it after
//     the sandbox is gone;
//  3. mount a tmpfs root and pivot into it; the host stays reachable under
//     k_old_root until the plan's mounts are done, then is detached;
//  4. hostname, loopback, rlimits, working directory;
//  5. fork the command: securebits, capabilities dropped, no_new_privs and,
//     last of all, the seccomp filter; this process stays as init.
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <linux/close_range.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "config/exit_codes.hpp"
#include "config/fd_io.hpp"
#include "sandbox/namespace/child.hpp"
#include "sandbox/namespace/idmap.hpp"
#include "sandbox/namespace/seccomp_filter.hpp"
#include "sandbox/trace/tracer.hpp"

namespace vg::sandbox::ns {

namespace {

constexpr const char* k_upper_mount = "/.vg-upper";
constexpr const char* k_empty_file = "/.vg-empty";

int g_sock = -1;

[[noreturn]] void fail(const char* step, const char* call, const std::string& path, int err,
                       const char* hint = nullptr) {
  fail_step(g_sock, step, call, path.empty() ? nullptr : path.c_str(), err, hint);
}

// mkdir -p inside the new root.
void make_dirs(const std::string& path, mode_t mode = 0755) {
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      std::string part = path.substr(0, i);
      if (mkdir(part.c_str(), mode) != 0 && errno != EEXIST) fail("mounts", "mkdir", part, errno);
    }
  }
}

void make_parent(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) make_dirs(path.substr(0, slash));
}

void set_attr(const std::string& target, std::uint64_t attrs, bool recursive) {
  mount_attr attr{};
  attr.attr_set = attrs;
  if (mount_setattr(AT_FDCWD, target.c_str(), recursive ? AT_RECURSIVE : 0, &attr, sizeof attr) != 0) {
    fail("mounts", "mount_setattr", target, errno);
  }
}

void bind_mount(const std::string& source, const std::string& target, std::uint64_t attrs) {
  if (mount(source.c_str(), target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
    fail("mounts", "mount(MS_BIND)", source + " -> " + target, errno);
  }
  set_attr(target, attrs, true);
}

void touch(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0444);
  if (fd < 0 && errno != EEXIST) fail("mounts", "open(O_CREAT)", path, errno);
  if (fd >= 0) close(fd);
}

std::string fs_log(int fs_fd) {
  // The kernel explains fsconfig failures in the context's log.
  std::string out;
  char buf[512];
  for (;;) {
    ssize_t n = read(fs_fd, buf, sizeof buf - 1);
    if (n <= 0) break;
    buf[n] = '\0';
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

void mount_overlay(const MountOp& op, const std::string& lower) {
  int fs = fsopen("overlay", FSOPEN_CLOEXEC);
  if (fs < 0) fail("overlay", "fsopen", "overlay", errno, "overlayfs is not available in this kernel");
  std::string layer = std::string(k_upper_mount) + "/" + std::to_string(op.layer);
  std::string upper = layer + "/upper", work = layer + "/work";
  // Layer -1: read-only, as two lower layers and no upper (a second, empty
  // lower layer, since overlayfs wants two without an upper directory).
  std::string empty = std::string(k_upper_mount) + "/empty";
  struct Opt {
    const char* key;
    const std::string* value;
  };
  std::vector<Opt> opts = {Opt{"lowerdir+", &lower}, Opt{"upperdir", &upper}, Opt{"workdir", &work}};
  if (op.layer < 0) opts = {Opt{"lowerdir+", &lower}, Opt{"lowerdir+", &empty}};
  for (Opt o : opts) {
    if (fsconfig(fs, FSCONFIG_SET_STRING, o.key, o.value->c_str(), 0) != 0) {
      int err = errno;
      std::string log = fs_log(fs);
      fail("overlay", "fsconfig", std::string(o.key) + "=" + *o.value, err, log.empty() ? nullptr : log.c_str());
    }
  }
  // In a user namespace overlayfs keeps its metadata in user.* xattrs.
  if (fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", nullptr, 0) != 0) {
    fail("overlay", "fsconfig", "userxattr", errno, "overlayfs in a user namespace needs Linux 5.11 or later");
  }
  if (fsconfig(fs, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0) {
    int err = errno;
    std::string log = fs_log(fs);
    fail("overlay", "fsconfig(CREATE)", op.target, err, log.empty() ? nullptr : log.c_str());
  }
  int mnt = fsmount(fs, FSMOUNT_CLOEXEC,
                    MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (op.layer < 0 ? MOUNT_ATTR_RDONLY : 0));
  if (mnt < 0) fail("overlay", "fsmount", op.target, errno);
  make_dirs(op.target);
  if (move_mount(mnt, "", AT_FDCWD, op.target.c_str(), MOVE_MOUNT_F_EMPTY_PATH) != 0) {
    fail("overlay", "move_mount", op.target, errno);
  }
  close(mnt);
  close(fs);
}

void mount_proc() {
  make_dirs("/proc");
  if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
    fail("proc", "mount", "/proc", errno,
         "the kernel refuses a new /proc when the host's /proc is partly covered (vg inside a container?)");
  }
  for (const char* p : {"/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus"}) {
    if (access(p, F_OK) != 0) continue;
    bind_mount(p, p, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
  }
}

// Attach the parent's detached tree `fd` at `target` (its attributes were
// set when it was made).
void attach_tree(int fd, const std::string& target) {
  make_dirs(target);
  if (move_mount(fd, "", AT_FDCWD, target.c_str(), MOVE_MOUNT_F_EMPTY_PATH) != 0) {
    fail("mounts", "move_mount", target, errno);
  }
  close(fd);
}

void apply(const MountOp& op, const std::vector<int>& trees) {
  using Kind = MountOp::Kind;
  const std::uint64_t safe = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
  int tree = op.tree >= 0 && static_cast<size_t>(op.tree) < trees.size() ? trees[static_cast<size_t>(op.tree)] : -1;
  if (op.tree >= 0 && tree < 0) fail("mounts", "idmapped tree", op.target, EBADF);
  switch (op.kind) {
    case Kind::bind_ro:
    case Kind::bind_rw:
      if (tree >= 0) {
        attach_tree(tree, op.target);
        return;
      }
      make_dirs(op.target);
      bind_mount(op.source, op.target, safe | (op.kind == Kind::bind_ro ? MOUNT_ATTR_RDONLY : 0));
      return;
    case Kind::bind_dev:
      make_parent(op.target);
      touch(op.target);
      if (mount(op.source.c_str(), op.target.c_str(), nullptr, MS_BIND, nullptr) != 0) {
        fail("dev", "mount(MS_BIND)", op.source, errno);
      }
      // Read-only stops chmod/chown of the host's node; the device still works.
      set_attr(op.target, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, false);
      return;
    case Kind::overlay:
      if (tree >= 0) {
        // The idmapped lower layer is attached beside the upper directories
        // and goes when they are detached (overlayfs keeps its own clone).
        std::string lower = std::string(k_upper_mount) + "/lower-" + std::to_string(op.tree);
        attach_tree(tree, lower);
        mount_overlay(op, lower);
        return;
      }
      mount_overlay(op, op.source);
      return;
    case Kind::scratch: {
      const std::string source = std::string(k_upper_mount) + "/" + op.data;
      make_dirs(op.target);
      bind_mount(source, op.target, safe);
      return;
    }
    case Kind::tmpfs:
      make_dirs(op.target);
      if (mount("tmpfs", op.target.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, op.data.c_str()) != 0) {
        fail("mounts", "mount(tmpfs)", op.target, errno);
      }
      return;
    case Kind::proc:
      mount_proc();
      return;
    case Kind::devpts:
      make_dirs(op.target);
      if (mount("devpts", op.target.c_str(), "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620") != 0) {
        fail("dev", "mount(devpts)", op.target, errno);
      }
      if (symlink("pts/ptmx", "/dev/ptmx") != 0 && errno != EEXIST) fail("dev", "symlink", "/dev/ptmx", errno);
      return;
    case Kind::symlink:
      make_parent(op.target);
      if (symlink(op.data.c_str(), op.target.c_str()) != 0 && errno != EEXIST) fail("mounts", "symlink", op.target, errno);
      return;
    case Kind::hide_file:
      // A secret reads as an empty file; writes get EROFS. One that is not
      // there (under the fresh home) is not visible: nothing to hide.
      if (access(op.target.c_str(), F_OK) != 0 && errno == ENOENT) return;
      if (mount(k_empty_file, op.target.c_str(), nullptr, MS_BIND, nullptr) != 0) {
        fail("secrets", "mount(MS_BIND)", op.target, errno);
      }
      set_attr(op.target, MOUNT_ATTR_RDONLY | safe | MOUNT_ATTR_NOEXEC, false);
      return;
    case Kind::hide_dir:
      if (access(op.target.c_str(), F_OK) != 0 && errno == ENOENT) return;
      if (mount("tmpfs", op.target.c_str(), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0555,size=4k") != 0) {
        fail("secrets", "mount(tmpfs)", op.target, errno);
      }
      return;
  }
}

// The upper directories of all overlay layers, on one tmpfs.
int make_upper(const Plan& plan) {
  int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
  if (fs < 0) fail("upper directory", "fsopen", "tmpfs", errno);
  if (plan.limits.disk) {
    // The size bounds bytes; inodes (about 1 KiB of kernel memory each) are
    // bounded too, in proportion.
    std::string size = std::to_string(plan.limits.disk);
    std::string inodes = std::to_string(std::max<std::uint64_t>(32768, plan.limits.disk / 8192));
    if (fsconfig(fs, FSCONFIG_SET_STRING, "size", size.c_str(), 0) != 0) fail("upper directory", "fsconfig", "size", errno);
    if (fsconfig(fs, FSCONFIG_SET_STRING, "nr_inodes", inodes.c_str(), 0) != 0) {
      fail("upper directory", "fsconfig", "nr_inodes", errno);
    }
  }
  if (fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0755", 0) != 0 ||
      fsconfig(fs, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0) {
    fail("upper directory", "fsconfig", "tmpfs", errno);
  }
  int mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
  if (mnt < 0) fail("upper directory", "fsmount", "tmpfs", errno);
  close(fs);
  for (size_t i = 0; i < plan.layers.size(); ++i) {
    std::string l = std::to_string(i);
    for (const std::string& d : {l, l + "/upper", l + "/work"}) {
      if (mkdirat(mnt, d.c_str(), 0755) != 0) fail("upper directory", "mkdirat", d, errno);
    }
  }
  // The read-only overlays' empty second lower layer.
  if (mkdirat(mnt, "empty", 0555) != 0) fail("upper directory", "mkdirat", "empty", errno);
  // The scratch places (MountOp::Kind::scratch); the commit never looks here.
  for (const char* d : {"tmp", "shm"}) {
    if (mkdirat(mnt, d, 0700) != 0 || fchmodat(mnt, d, 01777, 0) != 0) fail("upper directory", "mkdirat", d, errno);
  }
  if (mkdirat(mnt, "home", 0700) != 0 || fchownat(mnt, "home", plan.inner_uid, plan.inner_gid, 0) != 0) {
    fail("upper directory", "mkdirat", "home", errno);
  }
  return mnt;
}

void make_root(int upper_mnt) {
  // The new root is a tmpfs mounted over /tmp (private to this namespace);
  // after pivot_root the host's /tmp is reachable again under k_old_root.
  if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0) fail("root", "mount(tmpfs)", "/tmp", errno);
  if (chdir("/tmp") != 0) fail("root", "chdir", "/tmp", errno);
  if (mkdir(k_old_root + 1, 0700) != 0) fail("root", "mkdir", k_old_root, errno);
  if (syscall(SYS_pivot_root, ".", k_old_root + 1) != 0) fail("root", "pivot_root", "/tmp", errno);
  if (chdir("/") != 0) fail("root", "chdir", "/", errno);
  touch(k_empty_file);
  if (mkdir(k_upper_mount, 0700) != 0) fail("root", "mkdir", k_upper_mount, errno);
  if (move_mount(upper_mnt, "", AT_FDCWD, k_upper_mount, MOVE_MOUNT_F_EMPTY_PATH) != 0) {
    fail("upper directory", "move_mount", k_upper_mount, errno);
  }
}

void finish_root() {
  // Overlays hold their own reference to the upper tmpfs; the parent holds the fd.
  if (umount2(k_upper_mount, MNT_DETACH) != 0) fail("root", "umount2", k_upper_mount, errno);
  rmdir(k_upper_mount);
  if (umount2(k_old_root, MNT_DETACH) != 0) fail("root", "umount2", k_old_root, errno);
  if (rmdir(k_old_root) != 0) fail("root", "rmdir", k_old_root, errno);
  unlink(k_empty_file);
  mount_attr attr{};
  attr.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
  if (mount_setattr(AT_FDCWD, "/", 0, &attr, sizeof attr) != 0) fail("root", "mount_setattr", "/", errno);
}

// Wait until the coarse clock is later than `after` (a fine time) and return
// its value (the conflict clock, namespace_launcher.cpp): usually that tick
// has come while the sandbox was being built.
timespec wait_for_tick(const timespec& after) {
  for (;;) {
    timespec now{};
    clock_gettime(CLOCK_REALTIME_COARSE, &now);
    if (now.tv_sec > after.tv_sec || (now.tv_sec == after.tv_sec && now.tv_nsec > after.tv_nsec)) return now;
    timespec nap{0, 100 * 1000};
    nanosleep(&nap, nullptr);
  }
}

// Map the caller's ids: the child may write its own maps when they map only
// its own (outer) uid and gid, which saves a round trip to the parent.
void write_id_maps(const Plan& plan) {
  struct File {
    const char* path;
    const char* text;
  };
  std::string uid = std::to_string(plan.inner_uid) + " " + std::to_string(plan.outer_uid) + " 1\n";
  std::string gid = std::to_string(plan.inner_gid) + " " + std::to_string(plan.outer_gid) + " 1\n";
  for (File f : {File{"/proc/self/setgroups", "deny"}, File{"/proc/self/uid_map", uid.c_str()},
                 File{"/proc/self/gid_map", gid.c_str()}}) {
    int fd = open(f.path, O_WRONLY | O_CLOEXEC);
    size_t len = std::strlen(f.text);
    if (fd < 0 || write(fd, f.text, len) != static_cast<ssize_t>(len)) {
      if (fd < 0 && errno == ENOENT && std::strcmp(f.path, "/proc/self/setgroups") == 0) continue;
      fail("user namespace", fd < 0 ? "open" : "write", f.path, errno, "the caller's ids could not be mapped");
    }
    close(fd);
  }
}

// vg runs as root: this process still has host root's ids (unmapped here,
// so nothing it made would have an owner) and root's supplementary groups.
// Take the sandbox's own ids, which map to k_root_sandbox_id. The namespace
// has no mapped root whose ids this process leaves, so its capabilities
// over the namespace stay (capabilities(7), "Effect of user ID changes").
void become_sandbox_ids(const Plan& plan) {
  if (setgroups(0, nullptr) != 0) fail("user namespace", "setgroups", "", errno);
  if (setresgid(plan.inner_gid, plan.inner_gid, plan.inner_gid) != 0) fail("user namespace", "setresgid", "", errno);
  if (setresuid(plan.inner_uid, plan.inner_uid, plan.inner_uid) != 0) fail("user namespace", "setresuid", "", errno);
  // A change of ids made this process non-dumpable, which gives its /proc
  // files to host root; the sandbox's init is an ordinary process of its own.
  prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

void set_rlimits(const Plan& plan) {
  if (plan.rlimit_memory && plan.limits.memory) {
    rlimit r{plan.limits.memory, plan.limits.memory};
    if (setrlimit(RLIMIT_AS, &r) != 0) fail("limits", "setrlimit", "RLIMIT_AS", errno);
  }
  if (plan.rlimit_pids && plan.limits.pids) {
    rlimit r{plan.limits.pids, plan.limits.pids};
    if (setrlimit(RLIMIT_NPROC, &r) != 0) fail("limits", "setrlimit", "RLIMIT_NPROC", errno);
  }
}

void send_ready(int upper_mnt, const timespec& tick) {
  // 'R', then the coarse time the command may start at (the conflict clock).
  char payload[1 + sizeof tick];
  payload[0] = k_msg_ready;
  std::memcpy(payload + 1, &tick, sizeof tick);
  if (!send_with_fds(g_sock, std::string_view(payload, sizeof payload), &upper_mnt, 1)) {
    fail("setup", "sendmsg", "", errno);
  }
}

// In the command's process: give up every privilege, then exec.
[[noreturn]] void exec_command(const Plan& plan, const sigset_t& sigmask, int sock,
                               const std::vector<sock_filter>* trace) {
  auto die = [](const char* what) {
    std::fprintf(stderr, "vg: sandbox: %s: %s\n", what, std::strerror(errno));
    _exit(exit_code::k_sandbox_unavailable);
  };
  // Root inside (isolation.user: root) must not regain capabilities at exec.
  if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                                   SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED) != 0) {
    die("prctl(PR_SET_SECUREBITS)");
  }
  // Every capability goes, except those isolation.capabilities keeps: they
  // stay in the bounding, permitted, effective and inheritable sets and are
  // raised as ambient, so they survive the exec into a non-root user.
  auto kept = [&](int cap) { return ((plan.kept_caps >> cap) & 1) != 0; };
  for (int cap = 0; cap <= plan.cap_last; ++cap) {
    if (kept(cap)) continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) die("prctl(PR_CAPBSET_DROP)");
  }
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  for (int i = 0; i < 2; ++i) {
    auto word = static_cast<std::uint32_t>(plan.kept_caps >> (32 * i));
    data[i].effective = data[i].permitted = data[i].inheritable = word;
  }
  if (syscall(SYS_capset, &hdr, data) != 0) die("capset");
  for (int cap = 0; cap <= plan.cap_last; ++cap) {
    if (kept(cap) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0) die("prctl(PR_CAP_AMBIENT_RAISE)");
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die("prctl(PR_SET_NO_NEW_PRIVS)");
  for (int s = 1; s < NSIG; ++s) {
    if (s != SIGKILL && s != SIGSTOP) signal(s, SIG_DFL);
  }
  sigprocmask(SIG_SETMASK, &sigmask, nullptr);

  std::vector<char*> argv, envp;
  for (const auto& a : plan.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::string path = "/usr/local/bin:/usr/bin:/bin";
  for (const auto& e : plan.env) {
    envp.push_back(const_cast<char*>(e.c_str()));
    if (e.rfind("PATH=", 0) == 0) path = e.substr(5);
  }
  envp.push_back(nullptr);
  // The sandbox's filter is already in force: init loaded it before the
  // ready message, and this process inherited it with the fork.
  if (trace) {
    // After the sandbox's own filter, so its refusals still win; a run that
    // cannot be traced still runs, and the cache is told so.
    int listener = trace::install_filter(*trace);
    if (listener >= 0) {
      char msg = k_msg_traced;
      if (!send_with_fds(sock, std::string_view(&msg, 1), &listener, 1)) die("sendmsg(trace listener)");
      close(listener);
    } else {
      std::string msg = std::string(1, k_msg_untraced) + "seccomp(SECCOMP_FILTER_FLAG_NEW_LISTENER): " +
                        std::strerror(errno);
      if (!send_with_fds(sock, msg)) die("sendmsg(trace listener)");
    }
  }
  close(sock);
  // Nothing but 0, 1 and 2 crosses the exec (keep_only_planned_fds closed
  // the rest in init; this catches what was opened since).
  if (close_range(3, ~0U, 0) != 0) die("close_range");

  const std::string& name = plan.argv[0];
  int err = ENOENT;
  if (name.find('/') != std::string::npos) {
    execve(name.c_str(), argv.data(), envp.data());
    err = errno;
  } else {
    bool denied = false;
    size_t start = 0;
    while (start <= path.size()) {
      size_t colon = path.find(':', start);
      if (colon == std::string::npos) colon = path.size();
      std::string dir = path.substr(start, colon - start);
      start = colon + 1;
      std::string full = (dir.empty() ? std::string(".") : dir) + "/" + name;
      execve(full.c_str(), argv.data(), envp.data());
      if (errno == EACCES) denied = true;
      else if (errno != ENOENT && errno != ENOTDIR) {
        err = errno;
        break;
      }
    }
    if (err == ENOENT && denied) err = EACCES;
  }
  bool missing = err == ENOENT || err == ENOTDIR;
  std::fprintf(stderr, "vg: %s: %s\n", name.c_str(), missing ? "command not found" : std::strerror(err));
  _exit(missing ? exit_code::k_not_found : exit_code::k_not_executable);
}

// Only what vg means to pass crosses: the relay's pipes become 0, 1 and 2,
// and every other descriptor vg had (a directory the caller left open, a
// file given as `exec 7<`) is closed before anything else happens, so no
// process of the sandbox can reopen or walk from a host inode. Kept: the
// setup socket and the idmapped trees, which are mounts, not files.
void keep_only_planned_fds(const Plan& plan, int sock) {
  for (int n = 0; n < 3; ++n) {
    int fd = plan.stdio[static_cast<size_t>(n)];
    if (fd >= 0 && dup2(fd, n) != n) fail("descriptors", "dup2", "", errno);
  }
  std::vector<unsigned> keep{static_cast<unsigned>(sock)};
  for (int fd : plan.tree_fds) keep.push_back(static_cast<unsigned>(fd));
  std::sort(keep.begin(), keep.end());
  unsigned from = 3;
  for (unsigned fd : keep) {
    if (fd > from && close_range(from, fd - 1, 0) != 0) fail("descriptors", "close_range", "", errno);
    from = std::max(from, fd + 1);
  }
  if (close_range(from, ~0U, 0) != 0) fail("descriptors", "close_range", "", errno);
}

}  // namespace

void run_child(const Plan& plan, int sock, const sigset_t& sigmask, const std::vector<sock_filter>* trace) {
  g_sock = sock;
  // The sandbox dies with the process that made it (vg, or the intermediate
  // of a multithreaded caller): nothing runs on unsupervised.
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  keep_only_planned_fds(plan, sock);
  // A process group of its own: `kill 0` and `kill -STOP 0` inside reach
  // the sandbox's processes only, never vg or the shell that started it.
  if (setpgid(0, 0) != 0) fail("process group", "setpgid", "", errno);
  if (!plan.maps_by_parent) write_id_maps(plan);
  if (plan.wait_for_parent) {
    // The parent moves us into the cgroups, or writes our id maps, first.
    char go = 0;
    if (read(sock, &go, 1) != 1 || go != k_msg_go) _exit(k_setup_failed);
  }
  if (plan.maps_by_parent) become_sandbox_ids(plan);

  if (mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0) {
    fail("mount namespace", "mount(MS_REC|MS_SLAVE)", "/", errno);
  }
  int upper_mnt = make_upper(plan);
  make_root(upper_mnt);
  for (const auto& op : plan.mounts) apply(op, plan.tree_fds);
  finish_root();

  if (sethostname("vg-sandbox", 10) != 0) fail("uts namespace", "sethostname", "", errno);
  setup_network(plan, sock);
  set_rlimits(plan);
  if (chdir(plan.cwd.c_str()) != 0) {
    fail("working directory", "chdir", plan.cwd, errno,
         "the directory is not visible in the sandbox: run from the project or add a volume");
  }
  // The seccomp filter now (it forbids nothing init still does: fork, wait,
  // kill, poll), while the conflict clock's tick is awaited, not in the
  // command's process after the ready message: its load and JIT cost
  // 130-165 us here. The command inherits it across fork and exec.
  if (load_seccomp_filter(plan.seccomp) != 0) fail("seccomp", "prctl(PR_SET_SECCOMP)", "", errno);
  send_ready(upper_mnt, wait_for_tick(plan.start_after));
  close(upper_mnt);
  if (plan.hand_terminal) {
    // vg makes this group the terminal's foreground first, or the command's
    // first read of the terminal would stop it (SIGTTIN).
    char msg = 0;
    ssize_t n;
    do {
      n = read(sock, &msg, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1 || msg != k_msg_foreground) _exit(k_setup_failed);
  }

  pid_t command = fork();
  if (command < 0) fail("start", "fork", "", errno);
  if (command == 0) exec_command(plan, sigmask, sock, trace);
  run_init(command, sock, plan.hand_terminal);
}

}  // namespace vg::sandbox::ns
