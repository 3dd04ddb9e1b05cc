#pragma once
// Allow-listed services on the host's loopback, reached inside a restricted
// sandbox at the address and port the user wrote. The sandbox has its own
// loopback, so "127.0.0.1:5432" there is nothing; for each allow-list entry
// naming a loopback host with a port, the bridge listens on that address and
// port inside the sandbox and carries each connection through the proxy
// (CONNECT), which checks the list and connects to the host's service. Any
// client works so (psql, redis-cli, curl with or without the proxy
// variables), and the rest of the sandbox's loopback stays its own.

#include <cstdint>
#include <string>
#include <vector>

namespace vg::sandbox::proxy {

// One port the bridge forwards.
struct LoopbackForward {
  std::string address;  // where it listens in the sandbox: "127.0.0.1", "127.0.0.2", "::1"
  std::uint16_t port = 0;
  std::string target;   // what it asks the proxy for: "127.0.0.1:5432", "localhost:5432", "[::1]:8080"
};

// Return the forwards for `allowed_hosts`: each entry naming localhost, a
// 127.x.y.z address or ::1 with a port ("localhost:P" listens on both
// 127.0.0.1 and ::1). `taken` (the bridge's own port on 127.0.0.1) is left
// out. Entries that do not parse are ignored (the schema rejects them).
std::vector<LoopbackForward> loopback_forwards(const std::vector<std::string>& allowed_hosts, std::uint16_t taken);

}  // namespace vg::sandbox::proxy
