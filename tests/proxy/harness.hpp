#pragma once
// Test helpers for the proxy suite: local servers on 127.0.0.x, raw socket
// clients, a proxy with a recording observer, descriptor counting.
// Everything stays on loopback; nothing here contacts another address.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "sandbox/proxy/fd.hpp"
#include "sandbox/proxy/proxy.hpp"

namespace vg::proxy_test {

using sandbox::proxy::UniqueFd;

// A per-test directory, removed on success and kept (path printed) on failure.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return m_path; }

 private:
  std::string m_path;
};

// A tiny server on one loopback address, one thread per connection.
class TestServer {
 public:
  enum class Kind {
    http,  // reads one request head, answers 200 with a body naming the request; "/big" sends 16 MiB
    echo,  // echoes every byte until end of stream (what CONNECT tunnels carry)
  };
  // Listen on `ip`:ephemeral-port.
  TestServer(Kind kind, const std::string& ip);
  ~TestServer();
  std::uint16_t port() const { return m_port; }
  const std::string& ip() const { return m_ip; }
  // Return how many connections were accepted.
  int accepts() const { return m_accepts.load(); }
  // Return the request heads received (http servers).
  std::vector<std::string> heads() const;

 private:
  void accept_loop();
  void serve(int fd);

  Kind m_kind;
  std::string m_ip;
  std::uint16_t m_port = 0;
  UniqueFd m_listener;
  UniqueFd m_stop;
  std::atomic<int> m_accepts{0};
  mutable std::mutex m_mutex;
  std::vector<std::string> m_heads;
  std::set<int> m_open;
  std::vector<std::thread> m_workers;
  std::thread m_acceptor;
};

// A running proxy plus what it reported.
class ProxyFixture {
 public:
  // Start a proxy in `dir` with these lists and a hosts map for the resolver.
  ProxyFixture(const TempDir& dir, std::vector<std::string> allowed, std::vector<std::string> blocked,
               std::map<std::string, std::vector<std::string>> hosts,
               const std::function<void(sandbox::proxy::ProxyOptions&)>& tweak = {});
  sandbox::proxy::Proxy& proxy() { return *m_proxy; }
  const std::string& socket() const { return m_proxy->socket_path(); }
  // Return the events observed so far.
  std::vector<sandbox::proxy::ConnectionEvent> events() const;
  // Return the refusal lines so far.
  std::vector<std::string> refusals() const;
  // Wait until no client connection is open (true) or `ms` pass (false).
  bool wait_idle(int ms = 5000);
  void stop() { m_proxy->stop(); }

 private:
  mutable std::mutex m_mutex;
  std::vector<sandbox::proxy::ConnectionEvent> m_events;
  std::vector<std::string> m_refusals;
  std::unique_ptr<sandbox::proxy::Proxy> m_proxy;
};

// Connect to the unix socket `path` (blocking).
UniqueFd connect_unix(const std::string& path);
// Connect to `ip`:`port` over TCP (blocking); an empty fd with errno set on failure.
UniqueFd connect_tcp(const std::string& ip, std::uint16_t port);
// Write all of `data`; false on error.
bool send_all(int fd, std::string_view data);
// Read until end of stream, an error, or `timeout_ms` without data.
std::string read_all(int fd, int timeout_ms = 5000);
// Read until the end of a response head ("\r\n\r\n") and return the head.
std::string read_head(int fd, int timeout_ms = 5000);
// Read exactly `n` bytes (fewer on end of stream or timeout).
std::string read_exact(int fd, std::size_t n, int timeout_ms = 5000);
// Connect to the proxy at `path`, send `raw`, return everything it answers.
std::string round_trip(const std::string& path, const std::string& raw);
// Return the status code of a response ("HTTP/1.1 403 ..." -> 403), or 0.
int status_of(const std::string& response);
// Poll `done` every 5 ms until it holds (true) or `ms` pass (false).
bool wait_for(const std::function<bool()>& done, int ms = 3000);
// Return the number of open descriptors of this process.
int count_fds();
// Return `n` pseudo-random bytes (deterministic for a `seed`).
std::string random_bytes(std::size_t n, unsigned seed);

}  // namespace vg::proxy_test
