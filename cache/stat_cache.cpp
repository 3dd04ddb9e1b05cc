#include "cache/stat_cache.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include "cache/codec.hpp"
#include "config/sha256.hpp"

namespace vg::cache {
namespace {

std::int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string sys_error(const char* call, const std::string& path) {
  return std::string(call) + "(\"" + path + "\"): " + std::strerror(errno);
}

}  // namespace

FileStat file_stat(const struct stat& st) {
  FileStat f;
  f.size = std::uint64_t(st.st_size);
  f.mtime_ns = std::int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  f.ctime_ns = std::int64_t(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
  f.ino = st.st_ino;
  f.dev = st.st_dev;
  f.mode = st.st_mode;
  return f;
}

StatCache::StatCache() : m_clock(wall_ns) {}

bool StatCache::trusted(const StatRecord& record, const FileStat& st) {
  if (!(record.stat == st) || record.digest.empty()) return false;
  std::int64_t changed = std::max(st.mtime_ns, st.ctime_ns);
  return record.hashed_at_ns - changed >= k_racy_window_ns;
}

Result<std::string> hash_fd(int fd, const FileStat& before, const std::string& path) {
  config::Sha256 h;
  static thread_local char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(sys_error("read", path));
    }
    if (n == 0) break;
    h.update(buf, std::size_t(n));
  }
  struct stat after {};
  if (::fstat(fd, &after) != 0) return make_error(sys_error("fstat", path));
  FileStat a = file_stat(after);
  if (a.size != before.size || a.mtime_ns != before.mtime_ns || a.ctime_ns != before.ctime_ns) {
    return make_error("\"" + path + "\" changed while it was being read");
  }
  return h.finish_hex();
}

Result<std::string> StatCache::digest(int dirfd, const char* name, const std::string& path, const FileStat& st) {
  auto it = m_records.find(path);
  if (it != m_records.end() && trusted(it->second, st)) return it->second.digest;
  std::int64_t now = m_clock();
  int fd = ::openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return make_error(sys_error("open", path));
  struct stat opened {};
  if (::fstat(fd, &opened) != 0 || !(file_stat(opened) == st)) {
    ::close(fd);
    return make_error("\"" + path + "\" changed while it was being read");
  }
  auto digest = hash_fd(fd, st, path);
  ::close(fd);
  if (!digest) return digest;
  ++m_hashed;
  StatRecord fresh{st, *digest, now};
  bool worth_saving = it == m_records.end() || !(it->second.stat == st) || it->second.digest != *digest ||
                      trusted(fresh, st) != trusted(it->second, st);
  if (worth_saving) m_changed.insert(path);
  m_records[path] = std::move(fresh);
  return digest;
}

Result<std::string> StatCache::digest(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return make_error(sys_error("stat", path));
  if (!S_ISREG(st.st_mode)) return make_error("\"" + path + "\" is not a regular file");
  auto slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return make_error(sys_error("open", dir));
  // Follow a final symlink: the digest is of what would be executed.
  std::string target = name;
  struct stat lst {};
  if (::fstatat(dfd, name.c_str(), &lst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(lst.st_mode)) {
    ::close(dfd);
    char real[4096];
    if (!::realpath(path.c_str(), real)) return make_error(sys_error("realpath", path));
    return digest(std::string(real));
  }
  auto d = digest(dfd, target.c_str(), path, file_stat(st));
  ::close(dfd);
  return d;
}

bool StatCache::selected(const std::string& path, std::string_view prefix, Select which) const {
  bool inside = std::string_view(path).starts_with(prefix);
  switch (which) {
    case Select::all_inside: return inside;
    case Select::changed_inside: return inside && m_changed.count(path);
    case Select::changed_outside: return !inside && m_changed.count(path);
  }
  return false;
}

std::string StatCache::encode(std::string_view prefix, Select which) const {
  Writer w;
  w.str("vgstat1");
  std::size_t n = 0;
  for (const auto& [path, r] : m_records) n += selected(path, prefix, which);
  w.u64(n);
  for (const auto& [path, r] : m_records) {
    if (!selected(path, prefix, which)) continue;
    w.str(path);
    w.u64(r.stat.size);
    w.i64(r.stat.mtime_ns);
    w.i64(r.stat.ctime_ns);
    w.u64(r.stat.ino);
    w.u64(r.stat.dev);
    w.u64(r.stat.mode);
    w.str(r.digest);
    w.i64(r.hashed_at_ns);
  }
  return w.take();
}

void StatCache::absorb(StatCache&& other) {
  if (m_records.empty()) {
    m_records = std::move(other.m_records);
    return;
  }
  m_records.reserve(m_records.size() + other.m_records.size());
  for (auto& [path, rec] : other.m_records) {
    if (m_changed.count(path)) continue;
    m_records.insert_or_assign(path, std::move(rec));
  }
}

bool StatCache::merge(std::string_view data) {
  Reader r(data);
  if (r.str() != "vgstat1") return false;
  std::uint64_t n = r.count();
  std::vector<std::pair<std::string, StatRecord>> got;
  got.reserve(n);
  for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
    std::string path = r.str();
    StatRecord rec;
    rec.stat.size = r.u64();
    rec.stat.mtime_ns = r.i64();
    rec.stat.ctime_ns = r.i64();
    rec.stat.ino = r.u64();
    rec.stat.dev = r.u64();
    rec.stat.mode = std::uint32_t(r.u64());
    rec.digest = r.str();
    rec.hashed_at_ns = r.i64();
    got.emplace_back(std::move(path), std::move(rec));
  }
  if (!r.ok()) return false;
  m_records.reserve(m_records.size() + got.size());
  for (auto& [path, rec] : got) {
    if (m_changed.count(path)) continue;  // this process's own record is the newer one
    m_records.insert_or_assign(std::move(path), std::move(rec));
  }
  return true;
}

}  // namespace vg::cache
