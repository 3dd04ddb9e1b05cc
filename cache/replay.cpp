#include "cache/replay.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config/sha256.hpp"
#include "config/fd_io.hpp"
#include "cache/stat_cache.hpp"

namespace vg::cache {
namespace {

std::string sys_error(const char* call, const std::string& path) {
  return std::string(call) + "(\"" + path + "\"): " + std::strerror(errno);
}

// Open `rel` beneath `root_fd`; symlinks may not lead out of the root.
int open_beneath(int root_fd, const std::string& rel, int flags) {
  open_how how{};
  how.flags = std::uint64_t(flags | O_CLOEXEC);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  long fd = ::syscall(SYS_openat2, root_fd, rel.c_str(), &how, sizeof how);
  if (fd >= 0 || errno != ENOSYS) return int(fd);
  // No openat2 (kernel < 5.6): walk the components without following links.
  int dir = ::dup(root_fd);
  std::size_t start = 0;
  for (;;) {
    std::size_t slash = rel.find('/', start);
    std::string part = rel.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part == ".." || part.empty()) {
      ::close(dir);
      errno = EXDEV;
      return -1;
    }
    int next = ::openat(dir, part.c_str(), slash == std::string::npos ? (flags | O_NOFOLLOW | O_CLOEXEC)
                                                                      : (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    ::close(dir);
    if (next < 0 || slash == std::string::npos) return next;
    dir = next;
    start = slash + 1;
  }
}

bool safe_relative(const std::string& p) {
  if (p.empty() || p.front() == '/') return false;
  std::size_t start = 0;
  while (start <= p.size()) {
    std::size_t slash = p.find('/', start);
    if (slash == std::string::npos) slash = p.size();
    std::string_view part(p.data() + start, slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = slash + 1;
  }
  return true;
}

// Open (creating as needed) the parent directory of `rel`; `name` gets the last component.
Result<int> open_parent(int root_fd, const std::string& rel, std::string& name) {
  auto slash = rel.rfind('/');
  name = slash == std::string::npos ? rel : rel.substr(slash + 1);
  if (slash == std::string::npos) return ::dup(root_fd);
  std::string parent = rel.substr(0, slash);
  // Create missing parents one by one.
  for (std::size_t i = 0; i <= parent.size(); ++i) {
    if (i != parent.size() && parent[i] != '/') continue;
    std::string prefix = parent.substr(0, i);
    int probe = open_beneath(root_fd, prefix, O_PATH | O_DIRECTORY);
    if (probe >= 0) {
      ::close(probe);
      continue;
    }
    auto s = prefix.rfind('/');
    int up = s == std::string::npos ? ::dup(root_fd) : open_beneath(root_fd, prefix.substr(0, s), O_PATH | O_DIRECTORY);
    if (up < 0) return make_error(sys_error("open", prefix));
    std::string leaf = s == std::string::npos ? prefix : prefix.substr(s + 1);
    if (::mkdirat(up, leaf.c_str(), 0755) != 0 && errno != EEXIST) {
      std::string msg = sys_error("mkdir", prefix);
      ::close(up);
      return make_error(msg);
    }
    ::close(up);
  }
  int fd = open_beneath(root_fd, parent, O_PATH | O_DIRECTORY);
  if (fd < 0) return make_error(sys_error("open", parent));
  return fd;
}

bool identical(int parent, const std::string& name, const FileRecord& f) {
  int fd = ::openat(parent, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return false;
  struct stat st {};
  bool same = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && std::uint64_t(st.st_size) == f.content.size &&
              (st.st_mode & 07777) == f.mode &&
              (f.mtime_ns == 0 || std::int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec == f.mtime_ns);
  if (same) {
    auto d = hash_fd(fd, file_stat(st), name);
    same = d && *d == f.content.digest;
  }
  ::close(fd);
  return same;
}

Result<void> write_file(int parent, const std::string& name, const std::string& rel, const std::string& bytes,
                        std::uint32_t mode, std::int64_t mtime_ns) {
  std::string tmp = ".vg-replay-" + std::to_string(::getpid()) + "-" + name;
  if (tmp.size() > 255) tmp = ".vg-replay-" + std::to_string(::getpid());
  int fd = ::openat(parent, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return make_error(sys_error("open", rel));
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    ssize_t w = ::write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      std::string msg = sys_error("write", rel);
      ::close(fd);
      ::unlinkat(parent, tmp.c_str(), 0);
      return make_error(msg);
    }
    p += w;
    left -= std::size_t(w);
  }
  if (mtime_ns != 0) {
    timespec times[2] = {{0, UTIME_OMIT}, {mtime_ns / 1'000'000'000, mtime_ns % 1'000'000'000}};
    if (::futimens(fd, times) != 0) {
      std::string msg = sys_error("futimens", rel);
      ::close(fd);
      ::unlinkat(parent, tmp.c_str(), 0);
      return make_error(msg);
    }
  }
  if (::fchmod(fd, mode & 07777) != 0 || ::close(fd) != 0) {
    std::string msg = sys_error("fchmod", rel);
    ::unlinkat(parent, tmp.c_str(), 0);
    return make_error(msg);
  }
  if (::renameat(parent, tmp.c_str(), parent, name.c_str()) != 0) {
    std::string msg = sys_error("rename", rel);
    ::unlinkat(parent, tmp.c_str(), 0);
    return make_error(msg);
  }
  return {};
}


}  // namespace

Result<void> verify_blobs(const Entry& entry, const FetchBlob& fetch) {
  std::string bytes;
  for (const auto& id : entry.blob_ids()) {
    if (id == entry.tree_blob) continue;  // only `why` and `show` need the tree
    if (!fetch(id, bytes) || config::sha256_hex(bytes) != id) return make_error("cache entry " + entry.key.substr(0, 12) + " lost chunk " + id.substr(0, 12));
  }
  return {};
}

Result<ReplayReport> restore_files(const Entry& entry, const std::string& workspace, const FetchBlob& fetch) {
  ReplayReport report;
  // An entry from before links were refused at store time: a link's meaning
  // depends on the tree as it is now, which only the policy engine judges.
  for (const auto& f : entry.files) {
    if (f.kind == FileRecord::Kind::symlink) {
      return make_error("the cached run made the link " + f.path + ", which is not replayed");
    }
  }
  int root = ::open(workspace.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) return make_error(sys_error("open", workspace));
  Result<ReplayReport> result = report;
  for (const auto& f : entry.files) {
    if (!safe_relative(f.path)) {
      result = make_error("cache entry names an unsafe path '" + f.path + "'");
      break;
    }
    std::string name;
    auto parent = open_parent(root, f.path, name);
    if (!parent) {
      result = parent.error();
      break;
    }
    int pfd = *parent;
    Result<void> step;
    switch (f.kind) {
      case FileRecord::Kind::write: {
        if (identical(pfd, name, f)) {
          ++report.unchanged;
          break;
        }
        std::string bytes;
        if (!read_content(f.content, fetch, bytes)) {
          step = make_error("cache entry lost the content of " + f.path);
          break;
        }
        step = write_file(pfd, name, f.path, bytes, f.mode, f.mtime_ns);
        if (step) ++report.written;
        break;
      }
      case FileRecord::Kind::remove: {
        struct stat st {};
        if (::fstatat(pfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) break;
        if (::unlinkat(pfd, name.c_str(), S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) != 0 && errno != ENOENT) {
          step = make_error(sys_error("unlink", f.path));
        } else {
          ++report.removed;
        }
        break;
      }
      case FileRecord::Kind::mkdir: {
        if (::mkdirat(pfd, name.c_str(), f.mode & 07777) != 0 && errno != EEXIST) {
          step = make_error(sys_error("mkdir", f.path));
        } else if (::fchmodat(pfd, name.c_str(), f.mode & 07777, 0) != 0) {
          step = make_error(sys_error("chmod", f.path));
        }
        break;
      }
      case FileRecord::Kind::symlink: {
        char current[4096];
        ssize_t n = ::readlinkat(pfd, name.c_str(), current, sizeof current);
        if (n >= 0 && std::string(current, std::size_t(n)) == f.target) {
          ++report.unchanged;
          break;
        }
        std::string tmp = ".vg-replay-" + std::to_string(::getpid()) + "-link";
        ::unlinkat(pfd, tmp.c_str(), 0);
        if (::symlinkat(f.target.c_str(), pfd, tmp.c_str()) != 0 ||
            ::renameat(pfd, tmp.c_str(), pfd, name.c_str()) != 0) {
          step = make_error(sys_error("symlink", f.path));
          ::unlinkat(pfd, tmp.c_str(), 0);
        } else {
          ++report.written;
        }
        break;
      }
    }
    ::close(pfd);
    if (!step) {
      result = step.error();
      break;
    }
  }
  ::close(root);
  if (!result) return result;
  return report;
}

Result<void> replay_output(const Entry& entry, const FetchBlob& fetch, int out_fd, int err_fd) {
  std::string bytes;
  if (!read_content(entry.output.data, fetch, bytes)) return make_error("cache entry lost its output");
  std::size_t off = 0;
  for (const auto& s : entry.output.segments) {
    if (off + s.size > bytes.size()) return make_error("cache entry output is truncated");
    if (!write_all(s.stream == Stream::err ? err_fd : out_fd, std::string_view(bytes.data() + off, s.size)))
      return make_error(std::string("write: ") + std::strerror(errno));
    off += s.size;
  }
  return {};
}

}  // namespace vg::cache
