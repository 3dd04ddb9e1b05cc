// proxy_bench: what the restricted-network path costs, on loopback.
//
//   direct        TCP client -> server on 127.0.0.2
//   proxy         unix-socket client -> CONNECT via the proxy -> server
//   proxy+audit   the same, with vg exec's audit observer (one locked
//                 append to an audit log per connection)
//   bridge+proxy  TCP client -> bridge (127.0.0.1) -> proxy -> server: the
//                 path a sandboxed command takes (the bridge runs in a thread
//                 here instead of in the sandbox's network namespace)
//
// Throughput: the server sends 64 MiB, the client reads it all (MB/s).
// Latency: connect (+ CONNECT) until the first byte the server sends on accept.
// Usage: proxy_bench [MiB=64] [throughput_runs=5] [latency_runs=200]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sandbox/proxy/bridge.hpp"
#include "sandbox/proxy/fd.hpp"
#include "sandbox/proxy/proxy.hpp"
#include "vg/proxy_audit.hpp"

namespace {

using vg::sandbox::proxy::UniqueFd;
using Clock = std::chrono::steady_clock;

UniqueFd listen_tcp(const char* ip, std::uint16_t& port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  ::inet_pton(AF_INET, ip, &sin.sin_addr);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0 || ::listen(fd.get(), SOMAXCONN) != 0) {
    throw std::runtime_error(std::string("listen on ") + ip + ": " + std::strerror(errno));
  }
  socklen_t len = sizeof sin;
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&sin), &len);
  port = ntohs(sin.sin_port);
  return fd;
}

// A server that sends `bytes` to each client it accepts, then closes.
class Source {
 public:
  Source(const char* ip, std::size_t bytes) : m_bytes(bytes) {
    m_listener = listen_tcp(ip, m_port);
    m_stop.reset(::eventfd(0, EFD_CLOEXEC));
    m_thread = std::thread([this] { loop(); });
  }
  ~Source() {
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(m_stop.get(), &one, sizeof one);
    m_thread.join();
  }
  std::uint16_t port() const { return m_port; }

 private:
  void loop() {
    std::string chunk(256 * 1024, 'v');
    for (;;) {
      pollfd fds[2] = {{m_stop.get(), POLLIN, 0}, {m_listener.get(), POLLIN, 0}};
      ::poll(fds, 2, -1);
      if (fds[0].revents) return;
      UniqueFd c(::accept4(m_listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!c.valid()) continue;
      int one = 1;
      ::setsockopt(c.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      for (std::size_t sent = 0; sent < m_bytes;) {
        std::size_t n = std::min(chunk.size(), m_bytes - sent);
        ssize_t w = ::send(c.get(), chunk.data(), n, MSG_NOSIGNAL);
        if (w <= 0) break;
        sent += static_cast<std::size_t>(w);
      }
      ::shutdown(c.get(), SHUT_WR);
      char buf[64];
      while (::recv(c.get(), buf, sizeof buf, 0) > 0) {
      }
    }
  }

  std::size_t m_bytes;
  std::uint16_t m_port = 0;
  UniqueFd m_listener;
  UniqueFd m_stop;
  std::thread m_thread;
};

UniqueFd dial_tcp(const char* ip, std::uint16_t port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  ::inet_pton(AF_INET, ip, &sin.sin_addr);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0) throw std::runtime_error("connect");
  int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

UniqueFd dial_unix(const std::string& path) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  std::strncpy(sun.sun_path, path.c_str(), sizeof sun.sun_path - 1);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sun), sizeof sun) != 0) throw std::runtime_error("connect unix");
  return fd;
}

// Send CONNECT for `authority` and consume the 200 head.
void tunnel(int fd, const std::string& authority) {
  std::string req = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n";
  if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) throw std::runtime_error("send");
  std::string head;
  char c;
  while (head.find("\r\n\r\n") == std::string::npos) {
    if (::recv(fd, &c, 1, 0) != 1) throw std::runtime_error("no reply to CONNECT");
    head.push_back(c);
  }
  if (head.compare(0, 12, "HTTP/1.1 200") != 0) throw std::runtime_error("CONNECT refused: " + head);
}

// Read until end of stream; return the byte count.
std::size_t drain(int fd, std::size_t stop_after = SIZE_MAX) {
  static std::vector<char> buf(1 << 20);
  std::size_t total = 0;
  while (total < stop_after) {
    ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
    if (n <= 0) break;
    total += static_cast<std::size_t>(n);
  }
  return total;
}

struct Path {
  const char* name;
  std::function<UniqueFd(std::uint16_t port)> open;  // a stream to the server on `port`
};

void print(const char* what, const char* path, std::vector<double> v, const char* unit) {
  std::sort(v.begin(), v.end());
  std::printf("%-22s %-14s min %9.1f  median %9.1f  max %9.1f %s\n", what, path, v.front(), v[v.size() / 2], v.back(),
              unit);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t mib = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 64;
  int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  int latency_runs = argc > 3 ? std::atoi(argv[3]) : 200;
  std::size_t bytes = mib << 20;

  char dir_template[] = "/tmp/vg-proxy-bench-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr) return 1;
  std::string dir = dir_template;

  Source big("127.0.0.2", bytes);
  Source tiny("127.0.0.2", 1);

  vg::sandbox::proxy::ProxyOptions o;
  o.socket_path = dir + "/proxy.sock";
  o.allowed_hosts = {"bench.test", "127.0.0.2"};
  o.resolver = *vg::sandbox::proxy::make_hosts_resolver({{"bench.test", {"127.0.0.2"}}});
  auto proxy = vg::sandbox::proxy::Proxy::start(o);
  if (!proxy) {
    std::fprintf(stderr, "proxy_bench: %s\n", proxy.error().message.c_str());
    return 1;
  }

  // The same proxy with vg exec's audit observer: one locked append per connection.
  vg::config::Config audit_config;
  audit_config.audit.path = dir + "/audit.jsonl";
  audit_config.sandbox.network.mode = vg::config::NetworkMode::restricted;
  vg::sandbox::proxy::ProxyOptions audited = o;
  audited.socket_path = dir + "/audited.sock";
  audited.observer = vg::network_audit_observer(audit_config, {"proxy_bench", 0, vg::config::Level::low, "bench"});
  auto audited_proxy = vg::sandbox::proxy::Proxy::start(audited);
  if (!audited_proxy) {
    std::fprintf(stderr, "proxy_bench: %s\n", audited_proxy.error().message.c_str());
    return 1;
  }

  // The bridge, on host loopback, in a thread of its own.
  std::uint16_t bridge_port = 0;
  UniqueFd bridge_listener = listen_tcp("127.0.0.1", bridge_port);
  UniqueFd bridge_stop(::eventfd(0, EFD_CLOEXEC));
  std::thread bridge([&] { vg::sandbox::proxy::run_bridge(bridge_listener.get(), o.socket_path, bridge_stop.get()); });

  std::vector<Path> paths = {
      {"direct", [](std::uint16_t port) { return dial_tcp("127.0.0.2", port); }},
      {"proxy", [&](std::uint16_t port) {
         UniqueFd fd = dial_unix(o.socket_path);
         tunnel(fd.get(), "bench.test:" + std::to_string(port));
         return fd;
       }},
      {"proxy+audit", [&](std::uint16_t port) {
         UniqueFd fd = dial_unix(audited.socket_path);
         tunnel(fd.get(), "bench.test:" + std::to_string(port));
         return fd;
       }},
      {"bridge+proxy", [&](std::uint16_t port) {
         UniqueFd fd = dial_tcp("127.0.0.1", bridge_port);
         tunnel(fd.get(), "bench.test:" + std::to_string(port));
         return fd;
       }},
  };

  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::printf("proxy_bench: %zu MiB x %d runs (throughput), %d runs (connect + first byte), loopback\n", mib, runs,
              latency_runs);
  for (const auto& p : paths) {
    std::vector<double> mbps;
    for (int i = 0; i < runs; ++i) {
      auto t0 = Clock::now();
      UniqueFd fd = p.open(big.port());
      std::size_t got = drain(fd.get());
      double s = std::chrono::duration<double>(Clock::now() - t0).count();
      if (got != bytes) {
        std::fprintf(stderr, "proxy_bench: %s: got %zu of %zu bytes\n", p.name, got, bytes);
        return 1;
      }
      mbps.push_back(static_cast<double>(got) / (1024.0 * 1024.0) / s);
    }
    print("throughput", p.name, mbps, "MiB/s");
  }
  for (const auto& p : paths) {
    std::vector<double> us;
    for (int i = 0; i < latency_runs; ++i) {
      auto t0 = Clock::now();
      UniqueFd fd = p.open(tiny.port());
      if (drain(fd.get(), 1) != 1) {
        std::fprintf(stderr, "proxy_bench: %s: no first byte\n", p.name);
        return 1;
      }
      us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
    print("connect+first byte", p.name, us, "us");
  }

  std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(bridge_stop.get(), &one, sizeof one);
  bridge.join();
  (*proxy)->stop();
  (*audited_proxy)->stop();
  ::unlink(audit_config.audit.path.c_str());
  ::unlink((audit_config.audit.path + ".lock").c_str());
  ::rmdir(dir.c_str());
  return 0;
}
