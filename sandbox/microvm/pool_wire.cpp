#include "sandbox/microvm/pool_wire.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config/fd_io.hpp"

namespace vg::sandbox::microvm::wire {

int connect_unix(const std::string& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    close(fd);
    return -1;
  }
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool send_line(int sock, const std::string& line, int fd) {
  return send_with_fds(sock, line + "\n", &fd, fd >= 0 ? 1 : 0);
}

bool read_line(int sock, std::string& line, int timeout_ms, int* fd) {
  line.clear();
  if (fd) *fd = -1;
  for (;;) {
    pollfd p{sock, POLLIN, 0};
    int r = poll(&p, 1, timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    // One byte at a time: the line is short, and the attached fd must be
    // received with the first byte of its message.
    char c;
    int got = -1;
    std::size_t nfds = 0;
    long n = recv_with_fds(sock, &c, 1, &got, 1, nfds);
    if (n <= 0) return false;
    if (got >= 0) {
      if (fd && *fd < 0) {
        *fd = got;
      } else {
        close(got);
      }
    }
    if (c == '\n') return true;
    line.push_back(c);
    if (line.size() > 65536) return false;
  }
}

std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return out;
    start = tab + 1;
  }
}

}  // namespace vg::sandbox::microvm::wire
