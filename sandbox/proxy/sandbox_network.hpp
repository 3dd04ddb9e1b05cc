#pragma once
// `network.mode: restricted` for a sandbox backend, in two halves:
//   host side    HostNetwork: the proxy's unix sockets in a private directory
//                (socket_dir.hpp), the proxy itself, and the environment for
//                the command;
//   sandbox side start_sandbox_bridge(): called inside the sandbox's network
//                namespace, after its mounts, before the command is started.
// Order for a backend that clones/forks the sandbox: prepare() (checks the
// lists and listens, so errors come before anything starts and no client can
// arrive before the socket exists), admit() the sandbox's host ids, add the
// mounts of sandbox_sockets() and the environment to the plan, clone, start() (the proxy's threads: after the
// clone), and once the sandbox is set up (its mounts made)
// release_socket_dir(), so that nothing is left on the host whatever ends
// vg; then run, finish(). A backend that connects from the host uses
// host_socket() and may release the directory right after prepare().

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/result.hpp"
#include "sandbox/proxy/bridge.hpp"
#include "sandbox/proxy/options.hpp"
#include "sandbox/proxy/proxy.hpp"
#include "sandbox/proxy/socket_dir.hpp"

namespace vg::sandbox::proxy {

// Where the socket directory appears inside the sandbox.
inline constexpr const char* k_sandbox_socket_dir = "/.vg-net";
// The proxy's socket: its name in the socket directory, and its path as
// seen inside the sandbox.
inline constexpr const char* k_proxy_socket_name = "proxy.sock";
inline constexpr const char* k_sandbox_socket = "/.vg-net/proxy.sock";
// The loopback port the bridge listens on inside the sandbox.
inline constexpr std::uint16_t k_bridge_port = 3128;

// One of the sockets a sandbox needs, bind-mounted in on its own (onto an
// empty file) so that it outlives its host directory.
struct SandboxSocket {
  std::string host_path;     // the socket on the host, until release_socket_dir()
  std::string sandbox_path;  // where the sandbox connects to it
};

// The host half of restricted networking for one sandboxed run.
class HostNetwork {
 public:
  // Check `network`'s lists, make the private socket directory and listen
  // there; `observer` (may be empty) will see every connection.
  static Result<std::unique_ptr<HostNetwork>> prepare(const config::Network& network,
                                                      std::function<void(const ConnectionEvent&)> observer = {});
  // Stop the proxy and remove the socket directory.
  ~HostNetwork();
  HostNetwork(const HostNetwork&) = delete;
  HostNetwork& operator=(const HostNetwork&) = delete;

  // Return the host directory holding the sockets ("" once released); bound
  // whole at k_sandbox_socket_dir it must stay until the run ends.
  const std::string& socket_dir() const { return m_dir.path(); }
  // Return the sockets to bind-mount into the sandbox one by one, each in
  // k_sandbox_socket_dir (a directory the backend makes, e.g. a small tmpfs).
  std::vector<SandboxSocket> sandbox_sockets() const;
  // Let the host `uid`/`gid` reach the sockets: the sandbox's ids, when they
  // are not vg's (vg as root runs its sandbox as another uid). Before the
  // sandbox is started.
  Result<void> admit(uid_t uid, gid_t gid);
  // Return a path to the proxy's socket for clients in this process that
  // keeps working after release_socket_dir() ("/proc/self/fd/N").
  std::string host_socket() const;
  // Remove the socket directory from the host, once the sandbox has
  // mounted the sockets: they keep working. Also done by the destructor.
  void release_socket_dir() { m_dir.remove(); }
  // Start serving (the proxy's threads).
  Result<void> start();
  // Stop the proxy; return a note for the user when connections went around
  // the proxy and found no route (no_route.hpp; also an observer event), or,
  // when that count is unknown, when `exit_code` is not 0.
  std::string finish(int exit_code);
  // Return the proxy's counters (zero before start()).
  ProxyStats stats() const { return m_stats; }

 private:
  HostNetwork() = default;

  SocketDir m_dir;  // outlives the proxy, whose socket path names it
  UniqueFd m_proxy_socket;  // O_PATH: host_socket() after the directory is gone
  std::unique_ptr<Proxy> m_proxy;
  UniqueFd m_counters;  // where the sandbox sends its no-route counters
  std::function<void(const ConnectionEvent&)> m_observer;
  ProxyStats m_stats;
};

// Start the bridge on 127.0.0.1:k_bridge_port relaying to k_sandbox_socket,
// in the caller's (the sandbox's) network namespace, and send that
// namespace's no-route counters to the host.
// The bridge loads `seccomp` (the sandbox's filter) before it serves.
// `forwards`: the allow-listed loopback services it also listens for
// (loopback_forward.hpp).
Result<BridgeProcess> start_sandbox_bridge(const std::vector<sock_filter>* seccomp,
                                           const std::vector<LoopbackForward>& forwards = {});

}  // namespace vg::sandbox::proxy
