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

struct Walker {
  Port& port;
  std::uint64_t max_bytes;
  std::uint64_t sent = 0;
  bool port_ok = true;
  bool over_limit = false;

  bool send_change(const proto::Change& c) {
    port_ok = port_ok && port.send(proto::Type::change, proto::encode(c));
    return port_ok;
  }

  void log(const std::string& message) { port_ok = port_ok && port.send(proto::Type::log, message); }

  void send_file(const std::string& abs, const std::string& rel, const struct stat& st) {
    int fd = open(abs.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
      log("cannot read " + rel + ": " + std::strerror(errno));
      return;
    }
    proto::Change c;
    c.kind = proto::Change::Kind::file;
    c.path = rel;
    c.mode = st.st_mode & 07777;
    c.size = static_cast<std::uint64_t>(st.st_size);
    if (max_bytes != 0 && sent + c.size > max_bytes) {
      over_limit = true;
      close(fd);
      return;
    }
    if (!send_change(c)) {
      close(fd);
      return;
    }
    // Exactly `size` bytes follow, padded with zeros if the file shrank meanwhile.
    std::uint64_t left = c.size;
    std::vector<char> buf(proto::k_chunk);
    while (left > 0 && port_ok) {
      std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
      ssize_t n = read(fd, buf.data(), want);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        std::fill(buf.begin(), buf.begin() + static_cast<long>(want), 0);
        n = static_cast<ssize_t>(want);
      }
      port_ok = port.send(proto::Type::change_data, std::string_view(buf.data(), static_cast<std::size_t>(n)));
      left -= static_cast<std::uint64_t>(n);
    }
    sent += c.size;
    close(fd);
  }

  void walk(const std::string& abs, const std::string& rel) {
    DIR* d = opendir(abs.c_str());
    if (!d) {
      log("cannot list " + (rel.empty() ? std::string(".") : rel) + ": " + std::strerror(errno));
      return;
    }
    std::vector<std::string> names;
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    for (const auto& n : names) {
      if (!port_ok || over_limit) return;
      std::string child_abs = abs + "/" + n;
      std::string child_rel = rel.empty() ? n : rel + "/" + n;
      struct stat st{};
      if (lstat(child_abs.c_str(), &st) != 0) continue;
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
        if (len < 0) continue;
        c.kind = proto::Change::Kind::symlink;
        c.target.assign(target.data(), static_cast<std::size_t>(len));
        c.mode = 0777;
        send_change(c);
      } else if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
        c.kind = proto::Change::Kind::whiteout;
        c.mode = 0;
        send_change(c);
      } else {
        log("special file " + child_rel + " (device, fifo or socket) is not brought back");
      }
    }
  }
};

}  // namespace

bool send_write_set(Port& port, const std::string& upper, std::uint64_t max_bytes) {
  Walker w{port, max_bytes};
  w.walk(upper, "");
  if (w.over_limit) {
    w.port_ok = w.port_ok && port.send(proto::Type::error, "the write set exceeds the limit of " +
                                                              std::to_string(max_bytes) + " bytes");
    return w.port_ok;
  }
  return w.port_ok && port.send(proto::Type::changes_end, "");
}

}  // namespace vg::guest
