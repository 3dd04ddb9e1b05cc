#include "harness.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

namespace vg::proxy_test {

TempDir::TempDir() {
  char tmpl[] = "/tmp/vg-proxy-XXXXXX";  // short: unix socket paths are limited
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  m_path = tmpl;
}

TempDir::~TempDir() {
  if (::testing::Test::HasFailure()) {
    std::fprintf(stderr, "note: keeping %s for inspection\n", m_path.c_str());
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
}

TestServer::TestServer(Kind kind, const std::string& ip) : m_kind(kind), m_ip(ip) {
  m_listener.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  int one = 1;
  ::setsockopt(m_listener.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  ::inet_pton(AF_INET, ip.c_str(), &sin.sin_addr);
  if (::bind(m_listener.get(), reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0 ||
      ::listen(m_listener.get(), SOMAXCONN) != 0) {
    throw std::runtime_error("test server cannot listen on " + ip + ": " + std::strerror(errno));
  }
  socklen_t len = sizeof sin;
  ::getsockname(m_listener.get(), reinterpret_cast<sockaddr*>(&sin), &len);
  m_port = ntohs(sin.sin_port);
  m_stop.reset(::eventfd(0, EFD_CLOEXEC));
  m_acceptor = std::thread([this] { accept_loop(); });
}

TestServer::~TestServer() {
  std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(m_stop.get(), &one, sizeof one);
  m_acceptor.join();
  {
    std::lock_guard lock(m_mutex);
    for (int fd : m_open) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& t : m_workers) t.join();
}

std::vector<std::string> TestServer::heads() const {
  std::lock_guard lock(m_mutex);
  return m_heads;
}

void TestServer::accept_loop() {
  for (;;) {
    pollfd fds[2] = {{m_stop.get(), POLLIN, 0}, {m_listener.get(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) continue;
    if (fds[0].revents != 0) return;
    int fd = ::accept4(m_listener.get(), nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++m_accepts;
    std::lock_guard lock(m_mutex);
    m_open.insert(fd);
    m_workers.emplace_back([this, fd] { serve(fd); });
  }
}

void TestServer::serve(int fd) {
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (m_kind == Kind::echo) {
    char buf[64 * 1024];
    for (;;) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0 || !send_all(fd, std::string_view(buf, static_cast<std::size_t>(n)))) break;
    }
  } else {
    std::string head = read_head(fd, 10000);
    {
      std::lock_guard lock(m_mutex);
      m_heads.push_back(head);
    }
    std::string line = head.substr(0, head.find("\r\n"));
    if (line.find(" /big ") != std::string::npos) {
      std::size_t size = 16u << 20;
      send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n");
      std::string chunk(64 * 1024, 'x');
      for (std::size_t sent = 0; sent < size; sent += chunk.size()) {
        if (!send_all(fd, chunk)) break;
      }
    } else {
      std::string body = "hello from " + m_ip + ": " + line + "\n";
      send_all(fd, "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n" + body);
    }
  }
  std::lock_guard lock(m_mutex);
  m_open.erase(fd);
  ::close(fd);
}

ProxyFixture::ProxyFixture(const TempDir& dir, std::vector<std::string> allowed, std::vector<std::string> blocked,
                           std::map<std::string, std::vector<std::string>> hosts,
                           const std::function<void(sandbox::proxy::ProxyOptions&)>& tweak) {
  sandbox::proxy::ProxyOptions o;
  o.socket_path = dir.path() + "/proxy.sock";
  o.allowed_hosts = std::move(allowed);
  o.blocked_hosts = std::move(blocked);
  auto resolver = sandbox::proxy::make_hosts_resolver(hosts);
  if (!resolver) throw std::runtime_error(resolver.error().message);
  o.resolver = *resolver;
  o.observer = [this](const sandbox::proxy::ConnectionEvent& e) {
    std::lock_guard lock(m_mutex);
    m_events.push_back(e);
  };
  o.refusal_sink = [this](std::string_view line) {
    std::lock_guard lock(m_mutex);
    m_refusals.emplace_back(line);
  };
  if (tweak) tweak(o);
  auto p = sandbox::proxy::Proxy::start(std::move(o));
  if (!p) throw std::runtime_error(p.error().message);
  m_proxy = std::move(*p);
}

std::vector<sandbox::proxy::ConnectionEvent> ProxyFixture::events() const {
  std::lock_guard lock(m_mutex);
  return m_events;
}

std::vector<std::string> ProxyFixture::refusals() const {
  std::lock_guard lock(m_mutex);
  return m_refusals;
}

bool ProxyFixture::wait_idle(int ms) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until) {
    if (m_proxy->stats().active == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

UniqueFd connect_unix(const std::string& path) {
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  std::strncpy(sun.sun_path, path.c_str(), sizeof sun.sun_path - 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sun), sizeof sun) != 0) return UniqueFd();
  return fd;
}

UniqueFd connect_tcp(const std::string& ip, std::uint16_t port) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  ::inet_pton(AF_INET, ip.c_str(), &sin.sin_addr);
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0) {
    int err = errno;
    fd.reset();
    errno = err;
  }
  return fd;
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

namespace {

// Read some bytes into `out`; false at end of stream, error or timeout.
bool read_some(int fd, std::string& out, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return false;
  char buf[64 * 1024];
  ssize_t n = ::read(fd, buf, sizeof buf);  // read(), not recv(): pipes too
  if (n <= 0) return false;
  out.append(buf, static_cast<std::size_t>(n));
  return true;
}

}  // namespace

std::string read_all(int fd, int timeout_ms) {
  std::string out;
  while (read_some(fd, out, timeout_ms)) {
  }
  return out;
}

std::string read_head(int fd, int timeout_ms) {
  std::string out;
  char c;
  while (out.find("\r\n\r\n") == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) break;
    if (::recv(fd, &c, 1, 0) != 1) break;  // byte by byte: leave the body unread
    out.push_back(c);
  }
  return out;
}

std::string read_exact(int fd, std::size_t n, int timeout_ms) {
  std::string out;
  while (out.size() < n) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) break;
    std::string buf(std::min<std::size_t>(n - out.size(), 64 * 1024), '\0');
    ssize_t got = ::recv(fd, buf.data(), buf.size(), 0);
    if (got <= 0) break;
    out.append(buf, 0, static_cast<std::size_t>(got));
  }
  return out;
}

std::string round_trip(const std::string& path, const std::string& raw) {
  UniqueFd fd = connect_unix(path);
  if (!fd.valid()) return "";
  send_all(fd.get(), raw);
  return read_all(fd.get());
}

int status_of(const std::string& response) {
  if (response.size() < 12 || response.compare(0, 7, "HTTP/1.") != 0) return 0;
  return std::atoi(response.c_str() + 9);
}

bool wait_for(const std::function<bool()>& done, int ms) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

int count_fds() {
  int n = 0;
  DIR* d = ::opendir("/proc/self/fd");
  if (d == nullptr) return -1;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  ::closedir(d);
  return n - 1;  // the directory stream itself
}

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

}  // namespace vg::proxy_test
