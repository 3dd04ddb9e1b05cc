#include "sandbox/policy/fs.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace vg::sandbox::policy {

int openat2_raw(int dirfd, const char* path, std::uint64_t flags, std::uint64_t mode, std::uint64_t resolve) {
  // glibc 2.36 has no openat2 wrapper.
  open_how how{};
  how.flags = flags;
  how.mode = mode;
  how.resolve = resolve;
  for (;;) {
    long r = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
    // EAGAIN: a concurrent rename somewhere on the system; retry as the man page says.
    if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    return static_cast<int>(r);
  }
}

int open_dir_beneath(int root_fd, std::string_view rel, bool readable) {
  std::string path = rel.empty() ? std::string(".") : std::string(rel);
  std::uint64_t flags = O_DIRECTORY | O_CLOEXEC | (readable ? O_RDONLY : O_PATH);
  return openat2_raw(root_fd, path.c_str(), flags, 0, k_resolve_strict);
}

std::pair<std::string, std::string> split_parent(std::string_view rel) {
  auto slash = rel.rfind('/');
  if (slash == std::string_view::npos) return {"", std::string(rel)};
  return {std::string(rel.substr(0, slash)), std::string(rel.substr(slash + 1))};
}

std::string join_rel(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  std::string out(a);
  out += '/';
  out += b;
  return out;
}

namespace {

// Copy `len` bytes at `off` of `in` to the same offset of `out`; stops early
// (true) when `in` turns out shorter.
bool copy_range(int in, int out, off_t off, off_t len) {
  if (lseek(out, off, SEEK_SET) != off) return false;
  off_t end = off + len;
  // sendfile works from tmpfs to any file system; copy_file_range may not.
  while (off < end) {
    ssize_t n = sendfile(out, in, &off, static_cast<size_t>(std::min<off_t>(end - off, 1 << 30)));
    if (n == 0) return true;
    if (n > 0) continue;
    if (errno == EINTR) continue;
    if (errno != EINVAL && errno != ENOSYS) return false;
    break;
  }
  std::vector<char> buf(1 << 16);
  while (off < end) {
    auto want = static_cast<size_t>(std::min<off_t>(end - off, static_cast<off_t>(buf.size())));
    ssize_t n = pread(in, buf.data(), want, off);
    if (n == 0) return true;
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    for (ssize_t done = 0; done < n;) {
      ssize_t w = pwrite(out, buf.data() + done, static_cast<size_t>(n - done), off + done);
      if (w < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      done += w;
    }
    off += n;
  }
  return true;
}

}  // namespace

bool copy_file(int in, int out) {
  struct stat st{};
  if (fstat(in, &st) != 0) return false;
  const off_t size = st.st_size;
  // A sparse file (`truncate -s 2G`) costs its file system nothing; copied
  // byte by byte it would cost the workspace or the quarantine its full size.
  off_t pos = 0;
  while (pos < size) {
    off_t data = lseek(in, pos, SEEK_DATA);
    off_t hole = size;
    if (data < 0) {
      if (errno == ENXIO) break;  // nothing but a hole up to the end
      if (errno != EINVAL && errno != EOPNOTSUPP) return false;
      data = pos;  // no SEEK_DATA here: copy the rest as data
    } else {
      hole = lseek(in, data, SEEK_HOLE);
      if (hole < 0) return false;
    }
    if (data >= size) break;
    hole = std::min(hole, size);
    if (!copy_range(in, out, data, hole - data)) return false;
    pos = hole;
  }
  return ftruncate(out, size) == 0;
}

bool is_whiteout(const struct stat& st) { return S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0); }

bool is_opaque(int dir_fd) {
  char v[4] = {};
  for (const char* name : {"user.overlay.opaque", "trusted.overlay.opaque"}) {
    ssize_t n = fgetxattr(dir_fd, name, v, sizeof v);
    if (n >= 1 && v[0] == 'y') return true;
  }
  return false;
}

std::string read_link_at(int dir_fd, const std::string& name) {
  std::string buf(4096, '\0');
  ssize_t n = readlinkat(dir_fd, name.c_str(), buf.data(), buf.size());
  if (n < 0) return {};
  buf.resize(static_cast<size_t>(n));
  return buf;
}

bool same_content(int a, int b) {
  std::vector<char> x(1 << 16), y(1 << 16);
  off_t off = 0;
  for (;;) {
    ssize_t n = pread(a, x.data(), x.size(), off);
    ssize_t m = pread(b, y.data(), y.size(), off);
    if (n < 0 || m < 0 || n != m) return false;
    if (n == 0) return true;
    if (std::memcmp(x.data(), y.data(), static_cast<size_t>(n)) != 0) return false;
    off += n;
  }
}

std::string errno_text(int err) { return std::strerror(err); }

}  // namespace vg::sandbox::policy
