#pragma once
// The proxy's event loop (internal to proxy.cpp and its tests): one poll()
// over the listener, the resolver's eventfd and every client/upstream socket.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "sandbox/proxy/fd.hpp"
#include "sandbox/proxy/http_head.hpp"
#include "sandbox/proxy/options.hpp"
#include "sandbox/proxy/relay.hpp"
#include "sandbox/proxy/resolve_pool.hpp"
#include "sandbox/proxy/rules.hpp"

namespace vg::sandbox::proxy {

using Clock = std::chrono::steady_clock;

// The event loop serving one listening socket.
class Server {
 public:
  // Serve `listener` with `policy` and `options` (the resolver must be set).
  Server(ProxyOptions options, Policy policy, UniqueFd listener);
  ~Server();

  // Serve until `stop_fd` becomes readable; close everything before returning.
  void run(int stop_fd);

  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> allowed{0};
  std::atomic<std::uint64_t> refused{0};
  std::atomic<std::uint64_t> errors{0};
  std::atomic<std::uint64_t> active{0};

 private:
  enum class State { reading_head, resolving, connecting, relaying, replying, draining, closed };

  struct Conn {
    std::uint64_t id = 0;
    UniqueFd client;
    UniqueFd upstream;
    State state = State::reading_head;
    Clock::time_point deadline = Clock::time_point::max();
    std::string head;              // client bytes until the decision
    std::size_t head_len = 0;
    bool is_connect = false;
    std::string method;
    std::string host;
    std::uint16_t port = 0;
    RequestHead request;
    AbsoluteTarget target;
    std::vector<Address> addresses;
    std::size_t next_address = 0;
    Flow up;                       // client -> upstream
    Flow down;                     // upstream -> client (and error replies)
    bool response_head_done = true;
    std::string response_head;
    std::size_t drained = 0;
    Address connected;             // the address of `upstream`
    std::string last_error;        // of the last failed connect attempt
    int client_slot = -1;          // index in this round's pollfd array
    int upstream_slot = -1;
  };

  void accept_clients(Clock::time_point now);
  void on_client_readable(Conn& c);
  void on_head(Conn& c);
  void on_resolved(ResolvePool::Answer& answer);
  void check_addresses_and_connect(Conn& c);
  void start_connect(Conn& c);
  void on_connect_ready(Conn& c);
  void on_established(Conn& c);
  void relay(Conn& c, short client_rev, short upstream_rev);
  void reply_and_close(Conn& c, int status, std::string_view reason_phrase, const std::string& body);
  void refuse(Conn& c, const std::string& reason, const std::string& address);
  void fail(Conn& c, int status, std::string_view reason_phrase, const std::string& why);
  void drain(Conn& c);
  void on_deadline(Conn& c);
  void emit(const Conn& c, ConnectionEvent::Verdict v, int status, const std::string& address,
            const std::string& reason);
  void close(Conn& c);

  ProxyOptions m_options;
  Policy m_policy;
  UniqueFd m_listener;
  std::unique_ptr<ResolvePool> m_resolve;
  std::unordered_map<std::uint64_t, std::unique_ptr<Conn>> m_conns;
  std::uint64_t m_next_id = 1;
  Clock::time_point m_listener_paused_until{};
};

}  // namespace vg::sandbox::proxy
