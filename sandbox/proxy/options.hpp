#pragma once
// What the proxy is told (ProxyOptions) and what it reports (ConnectionEvent).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sandbox/proxy/resolver.hpp"

namespace vg::sandbox::proxy {

// One decision of the proxy about one client connection, for the audit log.
struct ConnectionEvent {
  enum class Verdict {
    allowed,  // the upstream connection was made
    refused,  // the policy said no (the client got 403)
    error,    // not served: malformed request, timeout, resolve or connect failure
  };
  Verdict verdict = Verdict::error;
  std::uint64_t id = 0;       // connection number, unique per proxy
  std::string method;         // "CONNECT", "GET", ... ("" when unparsable)
  std::string host;           // as requested, normalized ("" when unparsable)
  std::uint16_t port = 0;
  std::string address;        // address connected to or refused ("" when none)
  int status = 0;             // HTTP status sent by the proxy (0 when forwarded)
  std::string reason;         // why, in words
};

// Name a verdict: "allowed", "refused", "error".
const char* to_string(ConnectionEvent::Verdict v);

// How to run one proxy.
struct ProxyOptions {
  std::string socket_path;                 // unix socket to create and listen on
  unsigned socket_mode = 0600;             // permissions of the socket file
  std::vector<std::string> allowed_hosts;  // see rules.hpp for the syntax
  std::vector<std::string> blocked_hosts;  // win over allowed_hosts
  std::shared_ptr<const Resolver> resolver;  // null: the system resolver
  // Called on the proxy thread for every allowed, refused or failed connection.
  std::function<void(const ConnectionEvent&)> observer;
  // Receives one line per refusal (default: written to stderr).
  std::function<void(std::string_view)> refusal_sink;
  std::chrono::milliseconds header_timeout{10000};   // whole request head
  std::chrono::milliseconds connect_timeout{10000};  // resolve + connect
  std::chrono::milliseconds linger_timeout{1000};    // drain after an error reply
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_connections = 1024;
  int resolver_threads = 2;
};

}  // namespace vg::sandbox::proxy
