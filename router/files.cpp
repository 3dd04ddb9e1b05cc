#include "router/files.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace vg::router {
namespace {
std::string sys_error(const char* call, const std::string& path) {
  return std::string(call) + "(\"" + path + "\"): " + std::strerror(errno);
}
}  // namespace

Result<std::string> read_file(const std::string& path, bool& missing) {
  missing = false;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      missing = true;
      return std::string();
    }
    return make_error(sys_error("open", path));
  }
  std::string out;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      auto e = make_error(sys_error("read", path));
      ::close(fd);
      return e;
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

Result<void> write_file_atomic(const std::string& path, std::string_view data) {
  std::string dir = parent_dir(path);
  if (auto r = make_dirs(dir); !r) return r;
  std::string tmp = path + ".tmp-XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) return make_error(sys_error("mkstemp", tmp));
  ::fchmod(fd, 0600);
  if (!write_all(fd, data) || ::fsync(fd) != 0) {
    auto e = make_error(sys_error("write", tmp));
    ::close(fd);
    ::unlink(tmp.c_str());
    return e;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto e = make_error(sys_error("rename", tmp));
    ::unlink(tmp.c_str());
    return e;
  }
  // The rename itself must survive a crash: sync the directory entry.
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

Result<std::string> move_aside(const std::string& path) {
  char stamp[32];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  std::string target = path + ".corrupt-" + stamp;
  // Never overwrite an earlier copy moved aside in the same second.
  for (int i = 1; ::access(target.c_str(), F_OK) == 0; ++i) {
    target = path + ".corrupt-" + stamp + "-" + std::to_string(i);
  }
  if (::rename(path.c_str(), target.c_str()) != 0) return make_error(sys_error("rename", path));
  return target;
}

}  // namespace vg::router
