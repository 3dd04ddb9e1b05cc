#include "sandbox/microvm/files.hpp"

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config/sha256.hpp"

namespace vg::sandbox::microvm {

namespace {
Error sys_error(const std::string& call, const std::string& path) {
  return make_error(call + "(\"" + path + "\"): " + std::strerror(errno));
}
}  // namespace

Result<std::string> read_file(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return sys_error("open", path);
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Error e = sys_error("read", path);
      close(fd);
      return e;
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  return out;
}

Result<void> write_file(const std::string& path, const std::string& data, unsigned mode) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return sys_error("open", path);
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Error e = sys_error("write", path);
      close(fd);
      return e;
    }
    done += static_cast<std::size_t>(n);
  }
  fchmod(fd, mode);
  if (close(fd) != 0) return sys_error("close", path);
  return {};
}

Result<std::string> sha256_file(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return sys_error("open", path);
  config::Sha256 h;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Error e = sys_error("read", path);
      close(fd);
      return e;
    }
    if (n == 0) break;
    h.update(std::string_view(buf, static_cast<std::size_t>(n)));
  }
  close(fd);
  return h.finish_hex();
}

bool remove_tree(const std::string& path) {
  nftw(
      path.c_str(),
      [](const char* p, const struct stat*, int type, FTW*) {
        if (type == FTW_DP) {
          rmdir(p);
        } else {
          unlink(p);
        }
        return 0;
      },
      32, FTW_DEPTH | FTW_PHYS);
  struct stat st;
  return lstat(path.c_str(), &st) != 0 && errno == ENOENT;
}

std::string tail_lines(const std::string& path, int lines) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  struct stat st{};
  fstat(fd, &st);
  off_t start = st.st_size > 65536 ? st.st_size - 65536 : 0;
  std::string data(static_cast<std::size_t>(st.st_size - start), '\0');
  ssize_t n = pread(fd, data.data(), data.size(), start);
  close(fd);
  data.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  // Console logs carry \r\n and stray control bytes.
  std::string clean;
  for (char c : data) {
    if (c == '\r') continue;
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') continue;
    clean.push_back(c);
  }
  while (!clean.empty() && clean.back() == '\n') clean.pop_back();
  std::size_t pos = clean.size();
  for (int i = 0; i < lines && pos != std::string::npos && pos > 0; ++i) pos = clean.rfind('\n', pos - 1);
  if (pos == std::string::npos) return clean;
  return clean.substr(pos + (clean[pos] == '\n' ? 1 : 0));
}

}  // namespace vg::sandbox::microvm
