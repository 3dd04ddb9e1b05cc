#include "router/writable.hpp"

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vg::router {

namespace {

std::string parent_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

std::string uncreatable_reason(const std::string& path) {
  // The directories vg would make on the way are made where the nearest
  // existing one allows it.
  std::string dir = parent_of(path);
  struct stat st{};
  while (::stat(dir.c_str(), &st) != 0) {
    bool absent = errno == ENOENT || errno == ENOTDIR;  // ENOTDIR: a file further up, named below
    if (!absent || dir == "/" || dir == ".") return dir + ": " + std::strerror(errno);
    dir = parent_of(dir);
  }
  if (!S_ISDIR(st.st_mode)) return dir + " is not a directory";
  struct statvfs fs{};
  if (::statvfs(dir.c_str(), &fs) == 0 && (fs.f_flag & ST_RDONLY)) return dir + " is on a read-only file system";
  if (::access(dir.c_str(), W_OK | X_OK) != 0) return dir + ": " + std::strerror(errno);
  return "";
}

}  // namespace vg::router
