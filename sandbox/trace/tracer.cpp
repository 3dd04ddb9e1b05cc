#include "sandbox/trace/tracer.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <termios.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

#include "config/files.hpp"
#include "sandbox/namespace/seccomp_filter.hpp"

// Linux 6.6: wake the stopped caller and the listener on the same CPU
// (uapi headers of older systems lack the names).
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

namespace vg::sandbox::trace {
namespace {

// How a call's arguments name paths. Indexes are argument numbers; -1 = none.
enum class Kind : std::uint8_t {
  open,        // flags decide read, written or probed
  openat2,     // flags are in the struct open_how at argument `flags`
  read,        // execve, truncate
  written,     // creat
  probe,       // follows the last symlink
  probe_at,    // follows unless `flags` has AT_SYMLINK_NOFOLLOW
  probe_link,  // does not follow the last symlink
  stat,        // as probe, and the caller learns the times
  stat_link,   // as probe_link, and the caller learns the times
  stat_at,     // as probe_at, and the caller learns the times
};

struct Call {
  const char* name;
  Kind kind;
  std::int8_t dirfd, path, flags, dirfd2, path2;
};

// Every path-taking call a run can read or look for a file with.
constexpr Call k_calls[] = {
    {"open", Kind::open, -1, 0, 1, -1, -1},
    {"openat", Kind::open, 0, 1, 2, -1, -1},
    {"openat2", Kind::openat2, 0, 1, 2, -1, -1},
    {"creat", Kind::written, -1, 0, -1, -1, -1},
    {"execve", Kind::read, -1, 0, -1, -1, -1},
    {"execveat", Kind::read, 0, 1, 4, -1, -1},
    {"truncate", Kind::read, -1, 0, -1, -1, -1},
    {"stat", Kind::stat, -1, 0, -1, -1, -1},
    {"lstat", Kind::stat_link, -1, 0, -1, -1, -1},
    {"newfstatat", Kind::stat_at, 0, 1, 3, -1, -1},
    {"statx", Kind::stat_at, 0, 1, 2, -1, -1},
    {"access", Kind::probe, -1, 0, -1, -1, -1},
    {"faccessat", Kind::probe, 0, 1, -1, -1, -1},
    {"faccessat2", Kind::probe_at, 0, 1, 3, -1, -1},
    {"readlink", Kind::probe_link, -1, 0, -1, -1, -1},
    {"readlinkat", Kind::probe_link, 0, 1, -1, -1, -1},
    {"chdir", Kind::probe, -1, 0, -1, -1, -1},
    {"mkdir", Kind::probe_link, -1, 0, -1, -1, -1},
    {"mkdirat", Kind::probe_link, 0, 1, -1, -1, -1},
    {"mknod", Kind::probe_link, -1, 0, -1, -1, -1},
    {"mknodat", Kind::probe_link, 0, 1, -1, -1, -1},
    {"unlink", Kind::probe_link, -1, 0, -1, -1, -1},
    {"unlinkat", Kind::probe_link, 0, 1, -1, -1, -1},
    {"rmdir", Kind::probe_link, -1, 0, -1, -1, -1},
    {"rename", Kind::probe_link, -1, 0, -1, -1, 1},
    {"renameat", Kind::probe_link, 0, 1, -1, 2, 3},
    {"renameat2", Kind::probe_link, 0, 1, -1, 2, 3},
    {"link", Kind::probe_link, -1, 0, -1, -1, 1},
    {"linkat", Kind::probe_link, 0, 1, -1, 2, 3},
    {"symlink", Kind::probe_link, -1, 1, -1, -1, -1},
    {"symlinkat", Kind::probe_link, 1, 2, -1, -1, -1},
    {"chmod", Kind::probe, -1, 0, -1, -1, -1},
    {"fchmodat", Kind::probe, 0, 1, -1, -1, -1},
    {"chown", Kind::probe, -1, 0, -1, -1, -1},
    {"lchown", Kind::probe_link, -1, 0, -1, -1, -1},
    {"fchownat", Kind::probe_at, 0, 1, 4, -1, -1},
    {"utime", Kind::probe, -1, 0, -1, -1, -1},
    {"utimes", Kind::probe, -1, 0, -1, -1, -1},
    {"futimesat", Kind::probe, 0, 1, -1, -1, -1},
    {"utimensat", Kind::probe_at, 0, 1, 3, -1, -1},
};

// Calls that take data from an fd: stopped only when the fd (argument
// `fd_arg`) is 0, and then they mean "the run used its stdin".
struct FdCall {
  const char* name;
  unsigned fd_arg;
};
constexpr FdCall k_stdin_calls[] = {
    {"read", 0},  {"readv", 0},    {"pread64", 0},  {"preadv", 0},         {"preadv2", 0},
    {"recvfrom", 0}, {"recvmsg", 0}, {"recvmmsg", 0}, {"splice", 0},       {"tee", 0},
    {"sendfile", 1}, {"copy_file_range", 0}, {"mmap", 4}, {"dup", 0},     {"dup2", 0},
    {"dup3", 0},
};

struct Resolved {
  long nr = -1;
  const Call* call = nullptr;
  bool stdin_use = false;  // one of k_stdin_calls (or fcntl/ioctl on fd 0)
  bool entropy = false;    // getrandom
};

// The calls by native number (resolved once).
const std::vector<Resolved>& calls_by_number() {
  static const std::vector<Resolved> table = [] {
    std::vector<Resolved> t;
    for (const Call& c : k_calls) {
      int nr = seccomp_syscall_resolve_name(c.name);
      if (nr == __NR_SCMP_ERROR || nr < 0) continue;
      if (static_cast<std::size_t>(nr) >= t.size()) t.resize(static_cast<std::size_t>(nr) + 1);
      t[static_cast<std::size_t>(nr)] = {nr, &c, false};
    }
    auto mark = [&t](const char* name) {
      int nr = seccomp_syscall_resolve_name(name);
      if (nr == __NR_SCMP_ERROR || nr < 0) return;
      if (static_cast<std::size_t>(nr) >= t.size()) t.resize(static_cast<std::size_t>(nr) + 1);
      t[static_cast<std::size_t>(nr)] = {nr, nullptr, true};
    };
    for (const FdCall& f : k_stdin_calls) mark(f.name);
    mark("fcntl");
    mark("ioctl");
    int random = seccomp_syscall_resolve_name("getrandom");
    if (random >= 0) {
      if (static_cast<std::size_t>(random) >= t.size()) t.resize(static_cast<std::size_t>(random) + 1);
      t[static_cast<std::size_t>(random)] = {random, nullptr, false, true};
    }
    return t;
  }();
  return table;
}

Use open_use(std::uint64_t flags) {
  if (flags & O_PATH) return (flags & O_NOFOLLOW) ? Use::probed_link : Use::probed;
  if ((flags & O_CREAT) && (flags & O_EXCL)) return Use::probed_link;  // fails if it exists
  if ((flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY) return Use::written;
  return Use::read;
}

// Read a NUL-terminated path of at most PATH_MAX bytes at `addr` in `pid`,
// one page at a time (the string may end just before an unmapped page).
bool read_string(pid_t pid, std::uint64_t addr, std::string& out) {
  out.clear();
  char buf[4096];
  const std::uint64_t page = 4096;
  while (out.size() < 4096) {
    std::size_t want = static_cast<std::size_t>(page - (addr % page));
    iovec local{buf, want};
    iovec remote{reinterpret_cast<void*>(addr), want};
    ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
    if (n <= 0) {
      if (n == 0) errno = EFAULT;
      return false;
    }
    const char* end = static_cast<const char*>(std::memchr(buf, '\0', static_cast<std::size_t>(n)));
    if (end) {
      out.append(buf, static_cast<std::size_t>(end - buf));
      return true;
    }
    out.append(buf, static_cast<std::size_t>(n));
    addr += static_cast<std::uint64_t>(n);
  }
  errno = ENAMETOOLONG;  // the call fails the same way
  return false;
}

// The first 64 KiB of `path` ("" when it cannot be read).
std::string read_small_file(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string out(65536, '\0');
  ssize_t n = read(fd, out.data(), out.size());
  close(fd);
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

// "//" and "/./" collapse; ".." stays (only a walk can resolve it).
std::string clean(const std::string& path) {
  std::string out;
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string_view part(path.data() + i, j - i);
    if (!part.empty() && part != ".") {
      out += '/';
      out += part;
    }
    i = j + 1;
  }
  return out.empty() ? "/" : out;
}

}  // namespace

Use merge_use(Use first, Use then) {
  if (first == Use::written) return first;
  return first > then ? first : then;
}

Result<std::vector<sock_filter>> compile_filter() {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx) return make_error("seccomp_init: failed (libseccomp)");
  struct Release {
    scmp_filter_ctx c;
    ~Release() { seccomp_release(c); }
  } release{ctx};
  for (const auto& r : calls_by_number()) {
    if (!r.call) continue;
    // Calls with AT_EMPTY_PATH are stopped too: fstat() is newfstatat(fd,
    // "", AT_EMPTY_PATH), about an fd seen when it was opened, but with a
    // non-empty path the flag changes nothing and the path is looked up.
    // Only the path can tell, and a filter cannot read it.
    int rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, static_cast<int>(r.nr), 0);
    if (rc < 0) {
      return make_error(std::string("seccomp_rule_add(") + r.call->name + ", notify): " + std::strerror(-rc));
    }
  }
  // Reading stdin: the calls on fd 0 only (a dup of it counts as a read,
  // since the copy is read under another number).
  for (const FdCall& f : k_stdin_calls) {
    int nr = seccomp_syscall_resolve_name(f.name);
    if (nr == __NR_SCMP_ERROR) continue;
    // mmap's fd is -1 for anonymous maps; a 32-bit compare of the fd.
    int rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1, SCMP_CMP(f.fd_arg, SCMP_CMP_MASKED_EQ, 0xffffffffu, 0));
    if (rc < 0) return make_error(std::string("seccomp_rule_add(") + f.name + ", notify): " + std::strerror(-rc));
  }
  for (int cmd : {F_DUPFD, F_DUPFD_CLOEXEC}) {
    int rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(fcntl), 2, SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, 0),
                              SCMP_A1(SCMP_CMP_EQ, static_cast<scmp_datum_t>(cmd)));
    if (rc < 0) return make_error(std::string("seccomp_rule_add(fcntl, notify): ") + std::strerror(-rc));
  }
  // FIONREAD tells how much is waiting: a result could depend on it.
  if (int rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(ioctl), 2, SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, 0),
                                SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, FIONREAD));
      rc < 0) {
    return make_error(std::string("seccomp_rule_add(ioctl, notify): ") + std::strerror(-rc));
  }
  // Randomness: a result may depend on it. glibc's malloc takes 8 bytes
  // with GRND_NONBLOCK in every process to place its caches, which no
  // output shows; any other call is stopped.
  for (auto cmp : {SCMP_A1(SCMP_CMP_NE, 8), SCMP_A2(SCMP_CMP_NE, GRND_NONBLOCK)}) {
    if (int rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(getrandom), 1, cmp); rc < 0) {
      return make_error(std::string("seccomp_rule_add(getrandom, notify): ") + std::strerror(-rc));
    }
  }
  // io_uring opens files in the kernel, out of any filter's sight.
  for (const char* name : {"io_uring_setup", "io_uring_enter", "io_uring_register"}) {
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) continue;
    if (int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0); rc < 0) {
      return make_error(std::string("seccomp_rule_add(") + name + "): " + std::strerror(-rc));
    }
  }
  return ns::export_seccomp_program(ctx);
}

int install_filter(const std::vector<sock_filter>& program) {
  sock_fprog prog{};
  prog.len = static_cast<unsigned short>(program.size());
  prog.filter = const_cast<sock_filter*>(program.data());
  return static_cast<int>(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog));
}

struct Tracer::State {
  int listener = -1;
  int root = -1;  // the traced processes' root directory (O_PATH), opened at the first call
  std::thread thread;
  std::atomic<std::int64_t> deadline_ms{0};
  Trace trace;

  void incomplete(const std::string& why) {
    if (trace.complete) trace.incomplete_reason = why;
    trace.complete = false;
  }

  void record(const std::string& path, Use use) {
    auto it = trace.paths.find(path);
    if (it != trace.paths.end()) {
      it->second = merge_use(it->second, use);
      return;
    }
    // A run that looks at more than this many paths is keyed some other way
    // (its trace would cost more to keep and check than it saves).
    if (trace.paths.size() >= k_max_traced_paths) {
      incomplete("more than " + std::to_string(k_max_traced_paths) + " paths were looked at");
      return;
    }
    trace.paths.emplace(path, use);
  }

  // The traced processes' view of `abs` as an O_PATH fd, without following
  // any symlink (-1 with errno when there is one, or nothing).
  int open_plain(const std::string& abs) {
    open_how how{};
    how.flags = O_PATH | O_CLOEXEC | O_NOFOLLOW;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    return static_cast<int>(syscall(SYS_openat2, root, abs.c_str(), &how, sizeof how));
  }

  // Where `abs` (no "..") leads in the traced processes' own view, resolved
  // by the kernel under their root; "" with errno when it cannot be said.
  std::string resolve(const std::string& abs, bool follow) {
    if (root < 0) {
      errno = EBADF;
      return {};
    }
    // Most paths have no symlink on the way: then the kernel's walk is the
    // lexical one, and one call says so (no readlink of the result).
    int plain = open_plain(abs);
    if (plain >= 0) {
      struct stat st {};
      bool link = fstat(plain, &st) == 0 && S_ISLNK(st.st_mode);
      close(plain);
      if (!follow || !link) return abs;  // a final link that is followed: resolved below
    } else if (errno == ENOENT || errno == ENOTDIR) {
      return abs;  // missing, and no link before the missing part
    }
    open_how how{};
    how.flags = O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    long fd = syscall(SYS_openat2, root, abs.c_str(), &how, sizeof how);
    if (fd < 0) {
      if (errno != ENOENT && errno != ENOTDIR) return {};
      // Missing: where its parent leads, and the name looked for there.
      std::size_t slash = abs.rfind('/');
      std::string base = abs.substr(slash + 1);
      if (slash == 0 || base.empty()) return {};
      std::string parent = resolve(abs.substr(0, slash), true);
      return parent.empty() ? std::string{} : (parent == "/" ? "" : parent) + "/" + base;
    }
    std::string out = read_link("/proc/self/fd/" + std::to_string(fd));
    close(static_cast<int>(fd));
    if (out.empty() || out[0] != '/') {
      errno = EINVAL;
      return {};
    }
    return out;
  }

  // Walk `abs`, which has "..", one component at a time as the kernel does:
  // ".." leaves the directory the walk has reached (links on the way
  // resolved), and the first component that is missing or not a directory
  // ends the lookup there (the call fails: ENOENT, ENOTDIR). Records what
  // decided the walk and returns where it leads ("" when the walk ended
  // early or failed; `failed` says which).
  std::string walk(const std::string& abs, Use use, bool follow, bool& failed) {
    failed = false;
    std::string at = "/";  // a directory, reached without a link in its name
    std::size_t i = 1;
    while (i <= abs.size()) {
      std::size_t j = abs.find('/', i);
      if (j == std::string::npos) j = abs.size();
      std::string part = abs.substr(i, j - i);
      bool last = j >= abs.size();
      i = j + 1;
      if (part.empty()) continue;
      if (part == "..") {
        // What `at` is (a directory, not a link) decides where ".." goes.
        if (at != "/") record(at, Use::probed_link);
        at = at == "/" ? at : at.substr(0, std::max<std::size_t>(at.rfind('/'), 1));
        if (last) return at;
        continue;
      }
      std::string next = (at == "/" ? "" : at) + "/" + part;
      int fd = open_plain(next);
      if (fd < 0) {
        if (errno == ENOENT) {
          record(next, Use::probed);  // its absence decided the lookup
          return {};
        }
        if (errno != ELOOP) {
          failed = true;
          return {};
        }
      }
      struct stat st {};
      bool link = fd < 0, dir = false;  // ELOOP: a link (only the last one opens)
      if (fd >= 0) {
        if (fstat(fd, &st) != 0) st.st_mode = 0;
        close(fd);
        link = S_ISLNK(st.st_mode);
        dir = S_ISDIR(st.st_mode);
      }
      if (last && (!link || !follow)) return next;
      if (link) {
        record(next, last ? use : Use::probed_link);  // where it points decides the walk
        std::string real = resolve(next, true);
        if (real.empty()) {
          failed = errno != ENOENT && errno != ENOTDIR;
          return {};
        }
        if (last) return real;
        struct stat target {};
        if (!stat_in_root(real, target) || !S_ISDIR(target.st_mode)) {
          record(real, Use::probed);  // missing or not a directory: the call fails there
          return {};
        }
        at = real;
        continue;
      }
      if (!dir) {
        record(next, Use::probed);  // not a directory: ENOTDIR
        return {};
      }
      at = next;
    }
    return at;
  }

  bool stat_in_root(const std::string& real, struct stat& st) {
    int fd = open_plain(real);
    if (fd < 0) return false;
    bool ok = fstat(fd, &st) == 0;
    close(fd);
    return ok;
  }

  // The path argument at `path_arg`, made absolute in the process's view
  // (false, and `*empty` set, for an empty path: the call is about an fd).
  bool absolute(const seccomp_notif& req, int dirfd_arg, int path_arg, std::string& out, bool* empty = nullptr) {
    std::string raw;
    if (req.data.args[path_arg] == 0) return false;  // utimensat(fd, NULL, ...): an fd, already traced
    if (!read_string(static_cast<pid_t>(req.pid), req.data.args[path_arg], raw)) {
      // A bad pointer or a too long path fails the call itself, and a gone
      // process makes none; anything else (EPERM) hides a lookup.
      if (errno != EFAULT && errno != ENAMETOOLONG && errno != ESRCH) {
        incomplete("the path of a call by process " + std::to_string(req.pid) + " could not be read: " +
                   std::strerror(errno));
      }
      return false;
    }
    if (raw.empty()) {  // AT_EMPTY_PATH or ENOENT: about an fd or nothing
      if (empty) *empty = true;
      return false;
    }
    if (raw[0] == '/') {
      out = clean(raw);
      return true;
    }
    std::string base;
    int dirfd = dirfd_arg >= 0 ? static_cast<int>(req.data.args[dirfd_arg]) : AT_FDCWD;
    std::string proc = "/proc/" + std::to_string(req.pid);
    base = read_link(dirfd == AT_FDCWD ? proc + "/cwd" : proc + "/fd/" + std::to_string(dirfd));
    if (base.empty() || base[0] != '/') {
      if (dirfd != AT_FDCWD) return false;  // a bad fd: the call fails with EBADF
      incomplete("the working directory of process " + std::to_string(req.pid) + " could not be read");
      return false;
    }
    out = clean(base + "/" + raw);
    return true;
  }

  // True for the names of fd 0: /dev/stdin, /dev/fd/0, /proc/*/fd/0.
  static bool names_stdin(const std::string& abs) {
    if (abs == "/dev/stdin" || abs == "/dev/fd/0") return true;
    if (!abs.starts_with("/proc/") || !abs.ends_with("/fd/0")) return false;
    std::string_view who(abs.data() + 6, abs.size() - 6 - 5);
    return who == "self" || who == "thread-self" || who.find_first_not_of("0123456789/task") == std::string_view::npos;
  }

  // True when `who` (a /proc entry's name: self, thread-self, a pid in the
  // sandbox's pid namespace) is the calling process `pid` or its thread.
  static bool is_caller(const std::string& who, pid_t pid) {
    if (who == "self" || who == "thread-self") return true;
    if (who.empty() || who.find_first_not_of("0123456789") != std::string::npos) return false;
    // The caller's ids in its own namespace: the last fields of NSpid/NStgid.
    std::string status = read_small_file("/proc/" + std::to_string(pid) + "/status");
    for (const char* field : {"\nNSpid:", "\nNStgid:"}) {
      std::size_t at = status.find(field);
      if (at == std::string::npos) continue;
      std::size_t end = status.find('\n', at + 1);
      std::string line = status.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
      std::size_t last = line.find_last_of(" \t");
      if (last != std::string::npos && line.substr(last + 1) == who) return true;
    }
    return false;
  }

  // Paths through the kernel's links to a process's directories and files
  // (/proc/self/cwd/x, /proc/self/root/x, /proc/self/fd/3/x, /dev/fd/3/x)
  // lead where the link does; no resolution under the root can follow
  // them. Rewrites `abs` to where it leads. False: nothing to record (the
  // link itself names an open fd, seen when it was opened).
  bool through_proc_links(const seccomp_notif& req, std::string& abs) {
    if (abs.starts_with("/dev/fd/")) abs = "/proc/self/fd/" + abs.substr(8);
    if (!abs.starts_with("/proc/")) return true;
    std::size_t who_end = abs.find('/', 6);
    if (who_end == std::string::npos) return true;
    std::string who = abs.substr(6, who_end - 6);
    std::size_t at = who_end + 1;
    if (abs.compare(at, 5, "task/") == 0) {  // /proc/P/task/T/...: a thread's view
      std::size_t t = abs.find('/', at + 5);
      if (t == std::string::npos) return true;
      at = t + 1;
    }
    std::size_t name_end = abs.find('/', at);
    std::string name = abs.substr(at, name_end == std::string::npos ? std::string::npos : name_end - at);
    std::string link;
    if (name == "fd" && name_end != std::string::npos) {
      std::size_t n_end = abs.find('/', name_end + 1);
      link = "fd/" + abs.substr(name_end + 1, n_end == std::string::npos ? std::string::npos : n_end - name_end - 1);
      name_end = n_end;
    } else if (name == "cwd" || name == "root") {
      link = name;
    } else {
      return true;  // other /proc files are the sandbox's own
    }
    std::string rest = name_end == std::string::npos ? "" : abs.substr(name_end);
    if (link.starts_with("fd/") && rest.empty()) return false;
    if (!is_caller(who, static_cast<pid_t>(req.pid))) {
      incomplete("a path through another process's " + link + " (" + abs + ")");
      return false;
    }
    std::string target = read_link("/proc/" + std::to_string(req.pid) + "/" + link);
    if (target.empty() || target[0] != '/') {
      if (link.starts_with("fd/")) return false;  // a pipe or socket: the call fails (ENOTDIR)
      incomplete("the " + link + " of process " + std::to_string(req.pid) + " could not be read");
      return false;
    }
    abs = clean(target + rest);
    return true;
  }

  // Opens whose content is time or chance.
  static bool entropy_source(const std::string& abs) {
    return abs == "/dev/random" || abs == "/dev/urandom" || abs == "/dev/arandom" || abs == "/proc/uptime" ||
           abs == "/proc/loadavg";
  }

  // Note one path of a call (`stat`: a stat by name), and where the kernel
  // will take it.
  void note(const seccomp_notif& req, std::string abs, Use use, bool follow, bool stat) {
    if (use != Use::written && names_stdin(abs)) trace.read_stdin = true;
    if (!through_proc_links(req, abs)) return;
    if (use != Use::written && trace.entropy.empty() && entropy_source(abs)) trace.entropy = abs;
    std::string real;
    if (abs.find("/..") == std::string::npos) {
      record(abs, use);
      real = resolve(abs, follow);
      // A magic link on the way (a link to /proc/self/cwd) hides where the
      // lookup went; elsewhere in /proc and /dev it is the sandbox's own.
      if (real.empty() && errno == ELOOP && !abs.starts_with("/proc/") && !abs.starts_with("/dev/")) {
        incomplete("could not resolve " + abs + " (a link the tracer cannot follow)");
      }
    } else {
      bool failed = false;
      real = walk(abs, use, follow, failed);
      if (failed) incomplete("could not resolve " + abs + ": " + std::strerror(errno));
    }
    if (!real.empty() && real != abs) record(real, use);
    if (stat && trace.stated.size() < k_max_traced_paths) {
      trace.stated.insert(abs);
      if (!real.empty()) trace.stated.insert(real);
    }
  }

  // fstat(fd) is newfstatat(fd, "", AT_EMPTY_PATH): the file `fd` names,
  // seen when it was opened, had its times seen too (tar, cp -p keep them).
  void note_fd_stat(const seccomp_notif& req, int fd) {
    if (fd < 0 || trace.stated.size() >= k_max_traced_paths) return;
    std::string path = read_link("/proc/" + std::to_string(req.pid) + "/fd/" + std::to_string(fd));
    if (path.empty() || path[0] != '/' || path.ends_with(" (deleted)")) return;  // a pipe, a socket, gone
    trace.stated.insert(path);
  }

  void note_executed(const std::string& abs) {
    if (trace.executed.size() >= k_max_executed) return;
    std::string name = abs.substr(abs.rfind('/') + 1);
    if (std::find(trace.executed.begin(), trace.executed.end(), name) == trace.executed.end()) {
      trace.executed.push_back(std::move(name));
    }
  }

  void handle(const seccomp_notif& req) {
    const auto& table = calls_by_number();
    if (req.data.nr < 0 || static_cast<std::size_t>(req.data.nr) >= table.size()) return;
    const Resolved& r = table[static_cast<std::size_t>(req.data.nr)];
    if (r.stdin_use) {
      trace.read_stdin = true;  // the filter stops these calls for fd 0 only
      return;
    }
    if (r.entropy) {
      if (trace.entropy.empty()) trace.entropy = "getrandom";
      return;
    }
    const Call* c = r.call;
    if (!c) return;
    if (root < 0) {
      root = open(("/proc/" + std::to_string(req.pid) + "/root").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    }
    std::uint64_t flags = c->flags >= 0 ? req.data.args[c->flags] : 0;
    Use use = Use::probed;
    bool follow = true;
    switch (c->kind) {
      case Kind::open:
        use = open_use(flags);
        follow = !(flags & O_NOFOLLOW);
        break;
      case Kind::openat2: {
        open_how how{};
        iovec local{&how, sizeof how};
        iovec remote{reinterpret_cast<void*>(req.data.args[2]), sizeof how};
        if (process_vm_readv(static_cast<pid_t>(req.pid), &local, 1, &remote, 1, 0) != sizeof how) {
          if (errno != EFAULT && errno != ESRCH) incomplete(std::string("openat2's open_how: ") + std::strerror(errno));
          return;
        }
        use = open_use(how.flags);
        follow = !(how.flags & O_NOFOLLOW) && !(how.resolve & RESOLVE_NO_SYMLINKS);
        break;
      }
      case Kind::read: use = Use::read; break;
      case Kind::written: use = Use::written; break;
      case Kind::probe:
      case Kind::stat: break;
      case Kind::probe_at:
      case Kind::stat_at:
        if (flags & AT_SYMLINK_NOFOLLOW) {
          use = Use::probed_link;
          follow = false;
        }
        break;
      case Kind::probe_link:
      case Kind::stat_link:
        use = Use::probed_link;
        follow = false;
        break;
    }
    bool stat = c->kind == Kind::stat || c->kind == Kind::stat_at || c->kind == Kind::stat_link;
    std::string abs;
    bool empty = false;
    if (absolute(req, c->dirfd, c->path, abs, &empty)) {
      if (std::strncmp(c->name, "execve", 6) == 0) note_executed(abs);
      note(req, abs, use, follow, stat);
    } else if (empty && stat && c->dirfd >= 0 && (flags & AT_EMPTY_PATH)) {
      note_fd_stat(req, static_cast<int>(req.data.args[c->dirfd]));
    }
    if (c->path2 >= 0 && absolute(req, c->dirfd2, c->path2, abs)) note(req, abs, Use::probed_link, false, false);
  }

  void loop() {
    seccomp_notif req{};
    seccomp_notif_resp resp{};
    for (;;) {
      pollfd p{listener, POLLIN, 0};
      int r = poll(&p, 1, 50);
      if (r < 0 && errno == EINTR) continue;
      if (r == 0) {
        std::int64_t d = deadline_ms.load();
        if (d > 0 && std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now().time_since_epoch()).count() > d) {
          incomplete("traced processes were still running when the run ended");
          break;
        }
        continue;
      }
      if (r < 0) {
        incomplete(std::string("poll(seccomp listener): ") + std::strerror(errno));
        break;
      }
      if (!(p.revents & POLLIN)) break;  // POLLHUP: every traced process is gone
      std::memset(&req, 0, sizeof req);
      if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0) {
        if (errno == EINTR || errno == ENOENT) continue;  // the caller died meanwhile
        incomplete(std::string("SECCOMP_IOCTL_NOTIF_RECV: ") + std::strerror(errno));
        break;
      }
      ++trace.notifications;
      handle(req);
      std::memset(&resp, 0, sizeof resp);
      resp.id = req.id;
      resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
      // ENOENT: the caller was killed while waiting; nothing to answer.
      if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) != 0 && errno != ENOENT) {
        incomplete(std::string("SECCOMP_IOCTL_NOTIF_SEND: ") + std::strerror(errno));
      }
    }
  }
};

Tracer::Tracer(int listener) : m_state(std::make_unique<State>()) {
  m_state->listener = listener;
  // Each stopped call is a round trip to this thread; on 6.6+ kernels it
  // need not go through the scheduler's queues. Older kernels: EINVAL, fine.
  (void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
  m_state->thread = std::thread([s = m_state.get()] { s->loop(); });
}

Tracer::~Tracer() {
  if (m_state->thread.joinable()) finish(0);
  if (m_state->listener >= 0) close(m_state->listener);
  if (m_state->root >= 0) close(m_state->root);
}

Trace Tracer::finish(int grace_ms) {
  if (m_state->thread.joinable()) {
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now().time_since_epoch()).count();
    m_state->deadline_ms = now + std::max(grace_ms, 1);
    m_state->thread.join();
  }
  return m_state->trace;
}

}  // namespace vg::sandbox::trace
