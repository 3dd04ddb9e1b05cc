#include "guest/write_set.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace vg::guest {

namespace {

std::string errno_text() { return std::strerror(errno); }

class Fd {
 public:
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() {
    if (m_fd >= 0) close(m_fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }

 private:
  int m_fd;
};

// The next data range of `fd` at or after `pos` and below `size`, as
// [begin, end); false at the end of the data. A file system that cannot
// tell holes (EINVAL) has one range: the whole file.
bool next_data(int fd, std::uint64_t pos, std::uint64_t size, std::uint64_t& begin, std::uint64_t& end,
               std::string& why) {
  if (pos >= size) return false;
  off_t data = lseek(fd, static_cast<off_t>(pos), SEEK_DATA);
  if (data < 0) {
    if (errno == ENXIO) return false;  // only a hole from `pos` on
    if (errno == EINVAL) {
      begin = pos;
      end = size;
      return true;
    }
    why = "lseek(SEEK_DATA): " + errno_text();
    return false;
  }
  if (static_cast<std::uint64_t>(data) >= size) return false;
  off_t hole = lseek(fd, data, SEEK_HOLE);
  if (hole < 0) {
    why = "lseek(SEEK_HOLE): " + errno_text();
    return false;
  }
  begin = static_cast<std::uint64_t>(data);
  end = std::min(static_cast<std::uint64_t>(hole), size);
  return true;
}

bool all_zero(const char* p, std::size_t n) {
  static const char zeros[proto::k_chunk] = {};
  return std::memcmp(p, zeros, n) == 0;
}

struct Walker {
  Port& port;
  std::uint64_t max_bytes;
  std::uint64_t reserved = 0;  // data bytes of the files sent so far (an upper bound of what was sent)
  bool port_ok = true;
  std::vector<char> buf = std::vector<char>(proto::k_chunk);

  bool send(proto::Type type, std::string_view payload) {
    port_ok = port_ok && port.send(type, payload);
    return port_ok;
  }

  bool send_change(const proto::Change& c) { return send(proto::Type::change, proto::encode(c)); }

  void unsent(const std::string& rel, const std::string& reason) {
    send(proto::Type::unsent, proto::encode(proto::Unsent{rel, reason}));
  }

  // The bytes of file data in `fd` below `size` (holes excluded).
  bool count_data(int fd, std::uint64_t size, std::uint64_t& total, std::string& why) {
    total = 0;
    std::uint64_t begin = 0, end = 0;
    for (std::uint64_t pos = 0; next_data(fd, pos, size, begin, end, why); pos = end) total += end - begin;
    return why.empty();
  }

  // Send `fd` from `off` to `end`, advancing `off`: all-zero chunks join
  // `hole`, which is sent before the next bytes. False (with `why`) when the
  // file could not be read to `end`: it changed or failed while being sent.
  bool send_range(int fd, std::uint64_t& off, std::uint64_t end, std::uint64_t& hole, std::string& why) {
    while (off < end && port_ok) {
      std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(end - off, buf.size()));
      ssize_t n = pread(fd, buf.data(), want, static_cast<off_t>(off));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        why = n < 0 ? "read at offset " + std::to_string(off) + ": " + errno_text()
                    : "it became shorter while it was being sent";
        return false;
      }
      auto got = static_cast<std::size_t>(n);
      if (all_zero(buf.data(), got)) {
        hole += got;
      } else {
        if (hole != 0) send(proto::Type::change_hole, proto::encode_hole(hole));
        hole = 0;
        send(proto::Type::change_data, std::string_view(buf.data(), got));
      }
      off += got;
    }
    return true;
  }

  void send_file(const std::string& abs, const std::string& rel, const struct stat& st) {
    Fd fd(open(abs.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.get() < 0) return unsent(rel, "cannot open it in the guest: " + errno_text());
    auto size = static_cast<std::uint64_t>(st.st_size);
    std::uint64_t data = 0;
    std::string why;
    if (!count_data(fd.get(), size, data, why)) return unsent(rel, "cannot find its data in the guest: " + why);
    if (max_bytes != 0 && data > max_bytes - reserved) {
      return unsent(rel, "its " + std::to_string(data) + " bytes of data are more than the " +
                             std::to_string(max_bytes - reserved) + " bytes left of the write set's limit (" +
                             std::to_string(max_bytes) + " bytes, resources.disk); not brought back from the guest");
    }
    reserved += data;
    proto::Change c;
    c.kind = proto::Change::Kind::file;
    c.path = rel;
    c.mode = st.st_mode & 07777;
    c.size = size;
    if (!send_change(c)) return;
    // Exactly `size` bytes follow, as data and holes; a file that cannot be
    // read to its end is completed with a hole and then named unsent, so the
    // host drops it.
    std::uint64_t pos = 0, hole = 0, begin = 0, end = 0;
    bool complete = true;
    while (port_ok && next_data(fd.get(), pos, size, begin, end, why)) {
      hole += begin - pos;
      pos = begin;
      if (!send_range(fd.get(), pos, end, hole, why)) {
        complete = false;
        break;
      }
    }
    complete = complete && why.empty();
    hole += size - pos;
    if (hole != 0) send(proto::Type::change_hole, proto::encode_hole(hole));
    if (!complete) unsent(rel, "cannot read it in the guest: " + why);
  }

  void walk(const std::string& abs, const std::string& rel) {
    DIR* d = opendir(abs.c_str());
    if (!d) return unsent(rel, "cannot list this directory in the guest: " + errno_text());
    std::vector<std::string> names;
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    for (const auto& n : names) {
      if (!port_ok) return;
      std::string child_abs = abs + "/" + n;
      std::string child_rel = rel.empty() ? n : rel + "/" + n;
      struct stat st{};
      if (lstat(child_abs.c_str(), &st) != 0) {
        unsent(child_rel, "cannot stat it in the guest: " + errno_text());
        continue;
      }
      proto::Change c;
      c.path = child_rel;
      c.mode = st.st_mode & 07777;
      if (S_ISDIR(st.st_mode)) {
        c.kind = proto::Change::Kind::directory;
        if (!send_change(c)) return;
        char value[4] = {};
        if (lgetxattr(child_abs.c_str(), "trusted.overlay.opaque", value, sizeof value) > 0 && value[0] == 'y') {
          proto::Change o;
          o.kind = proto::Change::Kind::opaque;
          o.path = child_rel;
          if (!send_change(o)) return;
        }
        walk(child_abs, child_rel);
      } else if (S_ISREG(st.st_mode)) {
        send_file(child_abs, child_rel, st);
      } else if (S_ISLNK(st.st_mode)) {
        std::vector<char> target(4096);
        ssize_t len = readlink(child_abs.c_str(), target.data(), target.size());
        if (len < 0 || static_cast<std::size_t>(len) == target.size()) {
          unsent(child_rel, len < 0 ? "cannot read the symlink in the guest: " + errno_text()
                                    : std::string("the symlink's target is longer than 4095 bytes"));
          continue;
        }
        c.kind = proto::Change::Kind::symlink;
        c.target.assign(target.data(), static_cast<std::size_t>(len));
        c.mode = 0777;
        send_change(c);
      } else if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
        c.kind = proto::Change::Kind::whiteout;
        c.mode = 0;
        send_change(c);
      } else {
        const char* what = S_ISFIFO(st.st_mode) ? "a fifo" : S_ISSOCK(st.st_mode) ? "a socket" : "a device node";
        unsent(child_rel, std::string(what) + " is not brought back from the guest");
      }
    }
  }
};

}  // namespace

bool send_write_set(Port& port, const std::string& upper, std::uint64_t max_bytes) {
  DIR* top = opendir(upper.c_str());
  if (!top) return port.send(proto::Type::error, "cannot list the guest's upper directory " + upper + ": " + errno_text());
  closedir(top);
  Walker w{port, max_bytes};
  w.walk(upper, "");
  return w.port_ok && port.send(proto::Type::changes_end, "");
}

}  // namespace vg::guest
