#include "config/trust.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "config/files.hpp"
#include "config/sha256.hpp"
#include "config/yaml_file.hpp"

namespace vg::config {
namespace {

struct Entry {
  std::string hash;
  std::string path;
};

// Lines are "HASH  PATH"; anything else is skipped.
std::vector<Entry> parse(std::string_view text) {
  std::vector<Entry> entries;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.size() < 67 || line[64] != ' ' || line[65] != ' ') continue;
    entries.push_back({std::string(line.substr(0, 64)), std::string(line.substr(66))});
  }
  return entries;
}

Result<std::vector<Entry>> read_store(const std::string& store_file) {
  auto text = read_config_file(store_file);
  if (!text) return text.error();
  if (!*text) return std::vector<Entry>{};
  return parse(**text);
}

Result<void> write_store(const std::string& store_file, const std::vector<Entry>& entries) {
  if (auto r = make_dirs(parent_dir(store_file)); !r) return r;
  std::string text;
  for (const auto& e : entries) text += e.hash + "  " + e.path + "\n";
  std::string tmp = store_file + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return make_error("open(\"" + tmp + "\"): " + std::strerror(errno));
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return make_error("write(\"" + tmp + "\"): " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return make_error("fsync(\"" + tmp + "\"): " + std::strerror(err));
  }
  if (::rename(tmp.c_str(), store_file.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return make_error("rename(\"" + tmp + "\", \"" + store_file + "\"): " + std::strerror(err));
  }
  return {};
}


}  // namespace

bool is_trusted(const std::string& store_file, const std::string& config_path, std::string_view content) {
  auto entries = read_store(store_file);
  if (!entries) return false;  // an unreadable store trusts nothing
  std::string hash;
  for (const auto& e : *entries) {
    if (e.path != config_path) continue;
    if (hash.empty()) hash = sha256_hex(content);
    if (e.hash == hash) return true;
  }
  return false;
}

Result<void> trust_config(const std::string& store_file, const std::string& config_path, std::string_view content) {
  if (config_path.find('\n') != std::string::npos) return make_error("cannot trust a path that contains a newline");
  // Serialises read-modify-write between concurrent `vg config trust` runs
  // (the rename keeps readers consistent without it).
  auto lock = FileLock::acquire(store_file + ".lock");
  if (!lock) return lock.error();
  auto entries = read_store(store_file);
  if (!entries) return entries.error();
  std::vector<Entry> kept;
  for (auto& e : *entries) {
    if (e.path != config_path) kept.push_back(std::move(e));
  }
  kept.push_back({sha256_hex(content), config_path});
  return write_store(store_file, kept);
}

Result<bool> untrust_config(const std::string& store_file, const std::string& config_path) {
  // Serialises read-modify-write between concurrent `vg config trust` runs
  // (the rename keeps readers consistent without it).
  auto lock = FileLock::acquire(store_file + ".lock");
  if (!lock) return lock.error();
  auto entries = read_store(store_file);
  if (!entries) return entries.error();
  std::vector<Entry> kept;
  bool removed = false;
  for (auto& e : *entries) {
    if (e.path == config_path) removed = true;
    else kept.push_back(std::move(e));
  }
  if (!removed) return false;
  auto r = write_store(store_file, kept);
  if (!r) return r.error();
  return true;
}

}  // namespace vg::config
