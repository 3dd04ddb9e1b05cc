#include "sandbox/policy/apply.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>

#include "sandbox/policy/fs.hpp"

namespace vg::sandbox::policy {

namespace {

using Status = Applied::Status;

Applied refused(std::string why) { return {Status::refused, std::move(why)}; }
Applied conflict(std::string why) { return {Status::conflict, std::move(why)}; }

bool changed_since(const struct stat& st, const timespec& t0) {
  if (t0.tv_sec == 0 && t0.tv_nsec == 0) return false;
  if (st.st_ctim.tv_sec != t0.tv_sec) return st.st_ctim.tv_sec > t0.tv_sec;
  return st.st_ctim.tv_nsec >= t0.tv_nsec;
}

// Open the parent directory of `rel` beneath the target; the reason names
// the syscall and what went wrong.
Applied open_parent(int target_fd, const std::string& parent, Fd& out) {
  out = Fd(open_dir_beneath(target_fd, parent));
  if (out.valid()) return {};
  int err = errno;
  std::string where = "openat2(\"" + (parent.empty() ? std::string(".") : parent) + "\"): " + errno_text(err);
  if (err == EXDEV || err == ELOOP) return refused("the path leaves the directory through a symlink (" + where + ")");
  return refused(where);
}

std::string temp_name() {
  static std::atomic<unsigned> counter{0};
  return ".vg-commit-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
}

// Remove the tree `name` in `dir_fd`; a conflict if anything in it changed
// on the host during the run (that part is kept).
// True when `name` in `dir_fd` is the root of a mount (a bind mount of the
// same file system too): what is mounted there is not the workspace's.
bool mount_root(int dir_fd, const std::string& name) {
  struct statx sx{};
  if (statx(dir_fd, name.c_str(), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) != 0) return false;
  return (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

Applied remove_tree(int dir_fd, const std::string& name, const std::string& rel, const timespec& t0) {
  struct stat st{};
  if (fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return errno == ENOENT ? Applied{} : refused("fstatat(\"" + rel + "\"): " + errno_text(errno));
  }
  if (mount_root(dir_fd, name)) return refused("a mount point on the host: what is mounted there is not deleted");
  if (!S_ISDIR(st.st_mode)) {
    if (changed_since(st, t0)) return conflict("changed on the host during the run; not deleted");
    if (unlinkat(dir_fd, name.c_str(), 0) != 0) return refused("unlinkat(\"" + rel + "\"): " + errno_text(errno));
    return {};
  }
  Fd sub(openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!sub.valid()) return refused("openat(\"" + rel + "\"): " + errno_text(errno));
  std::vector<std::string> names;
  if (DIR* d = fdopendir(fcntl(sub.get(), F_DUPFD_CLOEXEC, 0))) {
    while (dirent* e = readdir(d)) {
      std::string_view n = e->d_name;
      if (n != "." && n != "..") names.emplace_back(n);
    }
    closedir(d);
  }
  Applied worst;
  for (const auto& n : names) {
    Applied a = remove_tree(sub.get(), n, rel + "/" + n, t0);
    if (a.status != Status::ok && worst.status == Status::ok) worst = a;
  }
  if (worst.status != Status::ok) return worst;
  if (unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0) return refused("rmdir(\"" + rel + "\"): " + errno_text(errno));
  return {};
}

Applied write_file(int upper_fd, int parent_fd, const Item& item, const std::string& name, const timespec& t0) {
  const std::string& rel = item.change.path;
  Fd in(openat2_raw(upper_fd, rel.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0, k_resolve_strict));
  if (!in.valid()) return refused("openat2(upper/" + rel + "): " + errno_text(errno));
  std::string tmp = temp_name();
  Fd out(openat(parent_fd, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!out.valid()) return refused("openat(\"" + tmp + "\"): " + errno_text(errno));
  bool ok = copy_file(in.get(), out.get()) && fchmod(out.get(), item.mode & 0777) == 0;
  timespec times[2] = {{0, UTIME_OMIT}, item.mtime};
  if (ok) futimens(out.get(), times);
  if (!ok) {
    int err = errno;
    unlinkat(parent_fd, tmp.c_str(), 0);
    return refused("writing \"" + rel + "\": " + errno_text(err));
  }
  // The last check before the rename: did the host change the file meanwhile?
  struct stat st{};
  if (fstatat(parent_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    bool clash = changed_since(st, t0) || S_ISDIR(st.st_mode) || item.change.kind == Change::Kind::created;
    if (clash) {
      unlinkat(parent_fd, tmp.c_str(), 0);
      return conflict(S_ISDIR(st.st_mode) ? "a directory is in the way on the host"
                                          : "changed on the host during the run; sandbox version kept aside");
    }
  }
  if (renameat(parent_fd, tmp.c_str(), parent_fd, name.c_str()) != 0) {
    int err = errno;
    unlinkat(parent_fd, tmp.c_str(), 0);
    return refused("renameat(\"" + rel + "\"): " + errno_text(err));
  }
  return {};
}

Applied write_symlink(int parent_fd, const Item& item, const std::string& name, const timespec& t0) {
  struct stat st{};
  if (fstatat(parent_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (changed_since(st, t0)) return conflict("changed on the host during the run; sandbox version kept aside");
    if (S_ISDIR(st.st_mode)) return conflict("a directory is in the way on the host");
  }
  std::string tmp = temp_name();
  if (symlinkat(item.link_target.c_str(), parent_fd, tmp.c_str()) != 0) {
    return refused("symlinkat(\"" + item.change.path + "\"): " + errno_text(errno));
  }
  if (renameat(parent_fd, tmp.c_str(), parent_fd, name.c_str()) != 0) {
    int err = errno;
    unlinkat(parent_fd, tmp.c_str(), 0);
    return refused("renameat(\"" + item.change.path + "\"): " + errno_text(err));
  }
  return {};
}

Applied change_mode(int parent_fd, const Item& item, const std::string& name, const timespec& t0) {
  int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (item.type == EntryType::directory ? O_DIRECTORY : 0);
  Fd f(openat(parent_fd, name.c_str(), flags));
  if (!f.valid()) return refused("openat(\"" + item.change.path + "\"): " + errno_text(errno));
  struct stat st{};
  if (fstat(f.get(), &st) == 0 && changed_since(st, t0)) {
    return conflict("changed on the host during the run; mode not changed");
  }
  if (fchmod(f.get(), item.mode & 0777) != 0) return refused("fchmod(\"" + item.change.path + "\"): " + errno_text(errno));
  return {};
}

Applied rename_entry(int target_fd, const Item& item, const Fd& to_parent, const std::string& to_name,
                     const timespec& t0) {
  auto [from_dir, from_name] = split_parent(item.change.from);
  Fd from_parent;
  Applied a = open_parent(target_fd, from_dir, from_parent);
  if (a.status != Status::ok) return a;
  struct stat st{};
  if (fstatat(from_parent.get(), from_name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return conflict("the rename's source \"" + item.change.from + "\" is gone on the host");
  }
  if (changed_since(st, t0)) return conflict("\"" + item.change.from + "\" changed on the host during the run");
  if (renameat2(from_parent.get(), from_name.c_str(), to_parent.get(), to_name.c_str(), RENAME_NOREPLACE) != 0) {
    int err = errno;
    if (err == EEXIST) return conflict("created on the host during the run; sandbox version kept aside");
    return refused("renameat2(\"" + item.change.from + "\" -> \"" + item.change.path + "\"): " + errno_text(err));
  }
  return {};
}

}  // namespace

Applied apply_item(int upper_fd, int target_fd, const Item& item, const timespec& started_at) {
  auto [parent, name] = split_parent(item.change.path);
  Fd parent_fd;
  Applied a = open_parent(target_fd, parent, parent_fd);
  if (a.status != Status::ok) return a;
  switch (item.change.kind) {
    case Change::Kind::deleted:
      return remove_tree(parent_fd.get(), name, item.change.path, started_at);
    case Change::Kind::mode_changed:
      return change_mode(parent_fd.get(), item, name, started_at);
    case Change::Kind::symlink:
      return write_symlink(parent_fd.get(), item, name, started_at);
    case Change::Kind::renamed:
      return rename_entry(target_fd, item, parent_fd, name, started_at);
    case Change::Kind::created:
    case Change::Kind::modified:
      break;
  }
  if (item.type == EntryType::directory) {
    if (mkdirat(parent_fd.get(), name.c_str(), item.mode & 0777) != 0) {
      struct stat st{};
      if (errno == EEXIST && fstatat(parent_fd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
        return {};
      }
      return errno == EEXIST ? conflict("created on the host during the run")
                             : refused("mkdirat(\"" + item.change.path + "\"): " + errno_text(errno));
    }
    return {};
  }
  if (item.type != EntryType::regular) return refused(std::string("not a regular file"));
  return write_file(upper_fd, parent_fd.get(), item, name, started_at);
}

}  // namespace vg::sandbox::policy
