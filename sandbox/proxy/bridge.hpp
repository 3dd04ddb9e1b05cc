#pragma once
// The in-sandbox half of restricted networking. The sandboxed command lives in
// a network namespace with only loopback; the bridge listens on
// 127.0.0.1:PORT there and relays each connection to the proxy's unix socket
// (bind-mounted into the sandbox), which is the command's only way out.
//
// The namespace backend calls spawn_bridge() in its child, inside the new
// network namespace (and mount namespace, with the socket visible), before it
// execs the command; then it adds proxy_environment(port) to the command's env.

#include <linux/filter.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "config/result.hpp"
#include "sandbox/proxy/loopback_forward.hpp"

namespace vg::sandbox::proxy {

// How to start a bridge.
struct BridgeOptions {
  std::string proxy_socket;       // the proxy's unix socket, as seen by the caller
  std::uint16_t port = 0;         // loopback port to listen on; 0 picks a free one
  bool bring_up_loopback = true;  // set `lo` up first (a new netns starts with it down)
  // The sandbox's seccomp program, loaded by the bridge before it serves (it
  // lives among the command's processes, with their uid); null for none.
  const std::vector<sock_filter>* seccomp = nullptr;
  // Allow-listed loopback services to listen for at their own address and
  // port, each connection carried through the proxy with CONNECT.
  std::vector<LoopbackForward> forwards;
};

// One listening socket of a bridge: a connection to it is relayed to the
// proxy as it is (`connect_to` empty: the client speaks HTTP proxy), or
// after a CONNECT to `connect_to` whose answer the client never sees.
struct BridgeListener {
  int fd = -1;
  std::string connect_to;
};

// A running bridge process.
struct BridgeProcess {
  pid_t pid = -1;
  std::uint16_t port = 0;  // the port it listens on (127.0.0.1)
};

// Set the loopback interface up in the caller's network namespace.
Result<void> bring_up_loopback();

// Listen on 127.0.0.1 in the caller's network namespace and fork a bridge
// process that relays connections to `options.proxy_socket`. The port is
// listening when this returns. The bridge closes every other descriptor and
// dies with its parent (PR_SET_PDEATHSIG), so it never outlives the sandbox.
Result<BridgeProcess> spawn_bridge(const BridgeOptions& options);

// Serve `listen_fd` (a listening TCP socket) by relaying each connection to
// the unix socket `proxy_socket`, until `stop_fd` (may be -1) is readable.
void run_bridge(int listen_fd, const std::string& proxy_socket, int stop_fd);

// The same for several listeners (BridgeListener: a forwarded port's
// connections start with a CONNECT the bridge makes for them).
void run_bridge_on(const std::vector<BridgeListener>& listeners, const std::string& proxy_socket, int stop_fd);

// Return the "K=V" settings that point HTTP(S) clients, npm, pip and git at
// the bridge on 127.0.0.1:`port`; NO_PROXY is no_proxy_list(`allowed_hosts`)
// (no_proxy.hpp: an allow-listed loopback host goes through the proxy).
std::vector<std::string> proxy_environment(std::uint16_t port, const std::vector<std::string>& allowed_hosts = {});

// Put proxy_environment(`port`, `allowed_hosts`) into `env` ("K=V" entries),
// replacing any earlier proxy settings and appending git's http.proxy after
// any GIT_CONFIG_COUNT entries already present.
void apply_proxy_environment(std::vector<std::string>& env, std::uint16_t port,
                             const std::vector<std::string>& allowed_hosts = {});

}  // namespace vg::sandbox::proxy
