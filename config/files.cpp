#include "config/files.hpp"

#include <climits>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vg {
namespace {
std::string sys_error(const char* call, const std::string& path) {
  return std::string(call) + "(\"" + path + "\"): " + std::strerror(errno);
}
}  // namespace

std::string parent_dir(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string read_link(const std::string& path) {
  char buf[PATH_MAX];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
  if (n <= 0 || n == static_cast<ssize_t>(sizeof buf)) return {};
  return std::string(buf, static_cast<std::size_t>(n));
}

Result<void> make_dirs(const std::string& dir, mode_t mode) {
  if (dir.empty() || dir == "." || dir == "/") return {};
  struct stat st{};
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return {};
    return make_error("'" + dir + "' exists and is not a directory");
  }
  if (auto r = make_dirs(parent_dir(dir), mode); !r) return r;
  if (::mkdir(dir.c_str(), mode) != 0 && errno != EEXIST) return make_error(sys_error("mkdir", dir));
  return {};
}

Result<FileLock> FileLock::acquire(const std::string& lock_path) {
  if (auto r = make_dirs(parent_dir(lock_path)); !r) return r.error();
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(sys_error("open", lock_path));
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    auto e = make_error(sys_error("flock", lock_path));
    ::close(fd);
    return e;
  }
  return FileLock(fd);
}

FileLock::~FileLock() {
  if (m_fd >= 0) ::close(m_fd);
}

}  // namespace vg
