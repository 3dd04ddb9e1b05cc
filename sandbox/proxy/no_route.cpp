#include "sandbox/proxy/no_route.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <charconv>
#include <cstring>
#include <vector>

#include "config/fd_io.hpp"

namespace vg::sandbox::proxy {
namespace {

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

std::optional<std::uint64_t> number(std::string_view s) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// The lines of `text` that start with `prefix`.
std::vector<std::string_view> lines_starting(std::string_view text, std::string_view prefix) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (line.starts_with(prefix)) out.push_back(line);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return out;
}

std::string read_from_start(int fd) {
  std::string out;
  if (::lseek(fd, 0, SEEK_SET) != 0) return out;
  char buf[4096];
  while (out.size() < (1u << 20)) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

sockaddr_un unix_address(const std::string& path, bool& ok) {
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  ok = !path.empty() && path.size() < sizeof sun.sun_path;
  if (ok) std::memcpy(sun.sun_path, path.c_str(), path.size() + 1);
  return sun;
}

std::optional<std::uint64_t> counts_of(int snmp, int snmp6) {
  std::string v6 = snmp6 >= 0 ? read_from_start(snmp6) : std::string();
  return parse_no_routes(read_from_start(snmp), v6);
}

bool is_procfs(int fd) {
  struct statfs fs{};
  return ::fstatfs(fd, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC;
}

}  // namespace

std::optional<std::uint64_t> parse_no_routes(std::string_view snmp, std::string_view snmp6) {
  auto ip = lines_starting(snmp, "Ip: ");
  if (ip.size() < 2) return std::nullopt;
  auto names = words(ip[0]);
  auto values = words(ip[1]);
  std::optional<std::uint64_t> v4;
  for (std::size_t i = 1; i < names.size() && i < values.size(); ++i) {
    if (names[i] == "OutNoRoutes") v4 = number(values[i]);
  }
  if (!v4) return std::nullopt;
  std::uint64_t v6 = 0;
  for (auto line : lines_starting(snmp6, "Ip6OutNoRoutes")) {
    auto w = words(line);
    if (w.size() == 2 && w[0] == "Ip6OutNoRoutes") v6 = number(w[1]).value_or(0);
  }
  return *v4 + v6;
}

Result<UniqueFd> listen_for_counters(const std::string& path) {
  bool ok = false;
  sockaddr_un sun = unix_address(path, ok);
  if (!ok) return make_error("counter socket path '" + path + "' is empty or too long");
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return make_error(std::string("socket(AF_UNIX): ") + std::strerror(errno));
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sun), sizeof sun) != 0) {
    return make_error("bind(\"" + path + "\"): " + std::strerror(errno));
  }
  if (::chmod(path.c_str(), 0600) != 0 || ::listen(fd.get(), 8) != 0) {
    int err = errno;
    ::unlink(path.c_str());
    return make_error("listen(\"" + path + "\"): " + std::strerror(err));
  }
  return fd;
}

Result<void> send_counters(const std::string& path) {
  UniqueFd snmp(::open("/proc/self/net/snmp", O_RDONLY | O_CLOEXEC));
  if (!snmp.valid()) return make_error(std::string("open(\"/proc/self/net/snmp\"): ") + std::strerror(errno));
  UniqueFd snmp6(::open("/proc/self/net/snmp6", O_RDONLY | O_CLOEXEC));  // absent without IPv6
  auto now = counts_of(snmp.get(), snmp6.get());
  if (!now) return make_error("/proc/self/net/snmp has no OutNoRoutes counter");
  bool ok = false;
  sockaddr_un sun = unix_address(path, ok);
  if (!ok) return make_error("counter socket path '" + path + "' is empty or too long");
  UniqueFd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!sock.valid()) return make_error(std::string("socket(AF_UNIX): ") + std::strerror(errno));
  if (::connect(sock.get(), reinterpret_cast<sockaddr*>(&sun), sizeof sun) != 0) {
    return make_error("connect(\"" + path + "\"): " + std::strerror(errno));
  }
  std::string payload = std::to_string(*now) + "\n";
  int fds[2] = {snmp.get(), snmp6.get()};
  if (!send_with_fds(sock.get(), payload, fds, snmp6.valid() ? 2 : 1)) {
    return make_error(std::string("sendmsg(\"") + path + "\"): " + std::strerror(errno));
  }
  return {};
}

std::optional<std::uint64_t> read_no_routes(int listener) {
  // The sandbox side sends before the command starts, so its connection is
  // the first in the queue; a few more are tried in case one is not usable.
  for (int attempt = 0; attempt < 4; ++attempt) {
    UniqueFd conn(::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!conn.valid()) return std::nullopt;
    char data[32];
    int got[2] = {-1, -1};
    std::size_t nfds = 0;
    long n = recv_with_fds(conn.get(), data, sizeof data - 1, got, 2, nfds, MSG_DONTWAIT);
    std::vector<UniqueFd> fds;
    for (std::size_t i = 0; i < std::min<std::size_t>(nfds, 2); ++i) fds.emplace_back(got[i]);
    if (n <= 0 || fds.empty() || nfds > 2) continue;
    bool procfs = true;
    for (const auto& fd : fds) procfs = procfs && is_procfs(fd.get());
    if (!procfs) continue;
    auto before = number(std::string_view(data, static_cast<std::size_t>(n)).substr(0, static_cast<std::size_t>(n) - 1));
    auto after = counts_of(fds[0].get(), fds.size() > 1 ? fds[1].get() : -1);
    if (!before || !after || *after < *before) continue;
    return *after - *before;
  }
  return std::nullopt;
}

}  // namespace vg::sandbox::proxy
