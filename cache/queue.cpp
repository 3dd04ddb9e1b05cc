#include "cache/queue.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "cache/codec.hpp"

namespace vg::cache {
namespace {

std::string unique_suffix() {
  static std::atomic<unsigned> seq{0};
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
  return std::to_string(ns) + "-" + std::to_string(::getpid()) + "-" + std::to_string(seq++);
}

}  // namespace

Result<void> write_atomically(const std::string& dir, const std::string& name, std::string_view data) {
  std::string tmp = dir + "/.tmp-" + unique_suffix();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return make_error("open(\"" + tmp + "\"): " + std::strerror(errno));
  const char* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    ssize_t w = ::write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      std::string msg = "write(\"" + tmp + "\"): " + std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return make_error(msg);
    }
    p += w;
    left -= std::size_t(w);
  }
  ::close(fd);
  std::string final_path = dir + "/" + name;
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    std::string msg = "rename(\"" + tmp + "\", \"" + final_path + "\"): " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return make_error(msg);
  }
  return {};
}

bool read_file(const std::string& path, std::string& out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  out.clear();
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    out.append(buf, std::size_t(n));
  }
  ::close(fd);
  return true;
}

std::vector<std::string> list_names(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return names;
  while (auto* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    names.emplace_back(e->d_name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

std::string Bundle::encode() const {
  Writer w;
  w.str("vgbundle1");
  w.str(entry.encode());
  w.u64(blobs.size());
  for (const auto& [id, bytes] : blobs) {
    w.str(id);
    w.str(bytes);
  }
  return w.take();
}

bool Bundle::decode(std::string_view data, Bundle& out) {
  Reader r(data);
  if (r.str() != "vgbundle1") return false;
  if (!Entry::decode(r.str(), out.entry)) return false;
  std::uint64_t n = r.count();
  for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
    std::string id = r.str();
    out.blobs[id] = r.str();
  }
  return r.ok() && r.at_end();
}

std::string bundle_name(const std::string& key) { return "e-" + key; }
std::string event_name() { return "v-" + unique_suffix(); }
std::string stat_update_name() { return "s-" + unique_suffix(); }

}  // namespace vg::cache
