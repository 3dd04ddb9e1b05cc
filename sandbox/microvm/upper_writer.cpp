#include "sandbox/microvm/upper_writer.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vg::sandbox::microvm {

namespace {

int openat2_beneath(int dirfd, const std::string& path, int flags) {
  open_how how{};
  how.flags = static_cast<std::uint64_t>(flags) | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  return static_cast<int>(syscall(SYS_openat2, dirfd, path.c_str(), &how, sizeof how));
}

}  // namespace

UpperWriter::UpperWriter(std::string upper_dir, std::uint64_t max_bytes)
    : m_dir(std::move(upper_dir)), m_max_bytes(max_bytes) {
  m_root = open(m_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

UpperWriter::~UpperWriter() {
  close_file();
  if (m_root >= 0) close(m_root);
}

void UpperWriter::close_file() {
  if (m_file >= 0) close(m_file);
  if (m_parent >= 0) close(m_parent);
  m_file = -1;
  m_parent = -1;
}

void UpperWriter::refuse(const std::string& path, const std::string& reason) {
  Change c;
  c.path = path;
  c.accepted = false;
  c.reason = reason;
  m_refused.push_back(c);
}

// Remove the current (or just completed) file and refuse it; its remaining
// bytes are discarded.
void UpperWriter::drop_file(const std::string& reason) {
  if (m_file >= 0) {
    close(m_file);
    m_file = -1;
  }
  if (m_parent >= 0 && m_file_written && unlinkat(m_parent, m_leaf.c_str(), 0) == 0) m_data -= m_file_data;
  m_file_written = false;
  m_file_data = 0;
  refuse(m_file_path, reason);
}

// The file has all its bytes: its length is set last, so a trailing hole
// stays a hole.
void UpperWriter::complete_file() {
  if (m_file < 0) return;
  if (ftruncate(m_file, static_cast<off_t>(m_size)) != 0) {
    drop_file(std::string("ftruncate to ") + std::to_string(m_size) + " bytes: " + std::strerror(errno));
    return;
  }
  close(m_file);
  m_file = -1;
}

// Open the parent directory of `path` beneath the root, creating missing
// directories; never through a symlink.
int UpperWriter::open_parent(const std::string& path, std::string& leaf, std::string& why) {
  std::size_t slash = path.rfind('/');
  leaf = slash == std::string::npos ? path : path.substr(slash + 1);
  if (slash == std::string::npos) return fcntl(m_root, F_DUPFD_CLOEXEC, 0);
  std::string parent = path.substr(0, slash);
  int fd = openat2_beneath(m_root, parent, O_RDONLY | O_DIRECTORY);
  if (fd >= 0) return fd;
  if (errno == ENOENT) {
    // Create each missing component, one level at a time.
    int cur = fcntl(m_root, F_DUPFD_CLOEXEC, 0);
    std::size_t pos = 0;
    while (cur >= 0 && pos <= parent.size()) {
      std::size_t end = parent.find('/', pos);
      if (end == std::string::npos) end = parent.size();
      std::string part = parent.substr(pos, end - pos);
      pos = end + 1;
      if (mkdirat(cur, part.c_str(), 0755) != 0 && errno != EEXIST) break;
      int next = openat2_beneath(cur, part, O_RDONLY | O_DIRECTORY);
      close(cur);
      cur = next;
      if (end == parent.size()) return cur;
    }
    if (cur >= 0) close(cur);
  }
  why = errno == ELOOP || errno == EXDEV || errno == ENOTDIR
            ? "lies beneath a symlink or non-directory in the write set (refused: symlink climbing)"
            : std::string("cannot create its directory: ") + std::strerror(errno);
  return -1;
}

Result<void> UpperWriter::begin(const proto::Change& c) {
  if (m_left != 0) return make_error("the guest started '" + c.path + "' before finishing '" + m_file_path + "'");
  close_file();
  m_file_written = false;
  m_file_data = 0;
  if (m_root < 0) return make_error("cannot open the upper directory " + m_dir + ": " + std::strerror(errno));
  // decode() already refused unsafe paths; checked again, the guest is not trusted.
  if (!proto::safe_relative_path(c.path)) return make_error("the guest sent an unsafe path '" + c.path + "'");
  m_file_path = c.path;
  m_left = c.kind == proto::Change::Kind::file ? c.size : 0;
  m_size = m_left;
  std::string leaf, why;
  int parent = open_parent(c.path, leaf, why);
  if (parent < 0) {
    refuse(c.path, why);
    return {};
  }
  auto fail = [&](const char* call) {
    refuse(c.path, std::string(call) + ": " + std::strerror(errno));
    close(parent);
    return Result<void>{};
  };
  switch (c.kind) {
    case proto::Change::Kind::directory:
      if (mkdirat(parent, leaf.c_str(), c.mode & 07777) != 0 && errno != EEXIST) return fail("mkdir");
      if (fchmodat(parent, leaf.c_str(), c.mode & 07777, AT_SYMLINK_NOFOLLOW) != 0 && errno != ENOTSUP) {
        return fail("chmod");
      }
      break;
    case proto::Change::Kind::opaque: {
      int d = openat2_beneath(parent, leaf, O_RDONLY | O_DIRECTORY);
      if (d < 0) return fail("open");
      bool ok = fsetxattr(d, "trusted.overlay.opaque", "y", 1, 0) == 0 ||
                fsetxattr(d, "user.overlay.opaque", "y", 1, 0) == 0;
      close(d);
      if (!ok) return fail("setxattr overlay.opaque");
      break;
    }
    case proto::Change::Kind::file: {
      // Special bits are never carried over from the guest.
      m_file = openat(parent, leaf.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, c.mode & 0777);
      if (m_file < 0) return fail("create");
      fchmod(m_file, c.mode & 0777);
      m_parent = parent;
      m_leaf = leaf;
      m_file_written = true;
      if (m_left == 0) complete_file();
      return {};
    }
    case proto::Change::Kind::symlink:
      if (symlinkat(c.target.c_str(), parent, leaf.c_str()) != 0) return fail("symlink");
      break;
    case proto::Change::Kind::whiteout:
      if (mknodat(parent, leaf.c_str(), S_IFCHR | 0, makedev(0, 0)) != 0) return fail("mknod whiteout");
      break;
  }
  close(parent);
  return {};
}

Result<void> UpperWriter::advance(std::uint64_t length) {
  m_left -= length;
  if (m_left == 0) complete_file();
  return {};
}

Result<void> UpperWriter::data(std::string_view bytes) {
  if (bytes.size() > m_left) return make_error("the guest sent more bytes than announced for '" + m_file_path + "'");
  if (m_file >= 0 && m_max_bytes != 0 && bytes.size() > m_max_bytes - m_data) {
    drop_file("its data goes past the write set's limit of " + std::to_string(m_max_bytes) +
              " bytes (resources.disk); not brought back from the guest");
  }
  std::uint64_t at = m_size - m_left;
  std::size_t done = 0;
  while (m_file >= 0 && done < bytes.size()) {
    ssize_t n = pwrite(m_file, bytes.data() + done, bytes.size() - done, static_cast<off_t>(at + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      drop_file(std::string("write: ") + std::strerror(n < 0 ? errno : ENOSPC));
      break;
    }
    done += static_cast<std::size_t>(n);
    m_data += static_cast<std::uint64_t>(n);
    m_file_data += static_cast<std::uint64_t>(n);
  }
  return advance(bytes.size());
}

Result<void> UpperWriter::hole(std::uint64_t length) {
  if (length > m_left) return make_error("the guest sent a hole past the end of '" + m_file_path + "'");
  return advance(length);
}

Result<void> UpperWriter::unsent(const proto::Unsent& entry) {
  if (m_left != 0) return make_error("the guest named '" + entry.path + "' unsent in the middle of '" + m_file_path + "'");
  if (!proto::safe_relative_path(entry.path)) return make_error("the guest sent an unsafe path '" + entry.path + "'");
  // A file the guest could not read to its end was completed with a hole:
  // it goes, and only the refusal stays.
  if (entry.path == m_file_path && m_parent >= 0) {
    drop_file(entry.reason);
    return {};
  }
  refuse(entry.path, entry.reason);
  return {};
}

Result<void> UpperWriter::finish() {
  if (m_left != 0) return make_error("the write set ended in the middle of '" + m_file_path + "'");
  close_file();
  return {};
}

}  // namespace vg::sandbox::microvm
