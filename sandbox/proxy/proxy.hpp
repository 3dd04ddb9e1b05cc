#pragma once
// The restricted-network proxy: an HTTP/HTTPS forward proxy on a unix socket
// that lets a sandboxed command reach only allow-listed hosts.
//
// It runs as one thread of the calling process (Proxy::start). Why a thread
// and not a forked helper: the observer that feeds the audit log is an
// ordinary std::function called in-process (no IPC protocol to design), there
// is no extra process to reap or to leave behind when vg is killed, and the
// loop never blocks (poll + non-blocking sockets; names resolve on worker
// threads), so it costs the supervising thread nothing. Every descriptor it
// opens is close-on-exec, so nothing leaks into the sandboxed command. A
// backend that prefers a helper process can fork and call Proxy::start there.
//
// What it does, per client connection:
//   CONNECT host:port        decide on host:port, resolve, check every
//                            address, connect, reply 200, splice both ways
//   GET http://host/path     same decision on the absolute URI (the Host
//                            header must agree), forward the request with
//                            "Connection: close", relay the response, close
// Anything else gets 400; refusals get 403 with a body naming vg and the
// host; a head over max_header_bytes gets 431; a head not complete within
// header_timeout gets 408; resolve/connect failures get 502/504.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "config/result.hpp"
#include "sandbox/proxy/fd.hpp"
#include "sandbox/proxy/options.hpp"

namespace vg::sandbox::proxy {

// Counters of one proxy, readable from any thread.
struct ProxyStats {
  std::uint64_t accepted = 0;  // client connections accepted
  std::uint64_t allowed = 0;
  std::uint64_t refused = 0;
  std::uint64_t errors = 0;
  std::uint64_t active = 0;    // client connections open now
};

class Server;
class Policy;

// A running proxy; stopped and its socket removed when destroyed.
class Proxy {
 public:
  // Parse the policy, create and listen on `options.socket_path` (which must
  // not exist yet), and start serving on a new thread.
  static Result<std::unique_ptr<Proxy>> start(ProxyOptions options);
  // Like start(), but only listen: clients queue until serve(). Lets a
  // caller that forks or clones afterwards do so before any thread exists,
  // with the socket already accepting connections.
  static Result<std::unique_ptr<Proxy>> listen(ProxyOptions options);
  // Start serving on a new thread (once, after listen()).
  Result<void> serve();
  ~Proxy();
  Proxy(const Proxy&) = delete;
  Proxy& operator=(const Proxy&) = delete;

  // Stop serving: close every connection, remove the socket, join the thread.
  void stop();
  // Return the path of the listening unix socket.
  const std::string& socket_path() const { return m_socket_path; }
  // Return the counters so far.
  ProxyStats stats() const;

 private:
  Proxy() = default;

  std::string m_socket_path;
  std::unique_ptr<ProxyOptions> m_options;  // until serve()
  std::unique_ptr<Policy> m_policy;         // until serve()
  UniqueFd m_listener;                      // until serve()
  UniqueFd m_stop;
  std::unique_ptr<Server> m_server;
  std::thread m_thread;
};

}  // namespace vg::sandbox::proxy
