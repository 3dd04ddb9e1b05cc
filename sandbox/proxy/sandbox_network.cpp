#include "sandbox/proxy/sandbox_network.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "sandbox/proxy/no_route.hpp"
#include "sandbox/proxy/rules.hpp"

namespace vg::sandbox::proxy {

Result<std::unique_ptr<HostNetwork>> HostNetwork::prepare(const config::Network& network,
                                                         std::function<void(const ConnectionEvent&)> observer) {
  if (auto policy = Policy::make(network.allowed_hosts, network.blocked_hosts); !policy) return policy.error();
  std::unique_ptr<HostNetwork> net(new HostNetwork);
  auto dir = SocketDir::make();
  if (!dir) return make_error("restricted network: the proxy's socket directory: " + dir.error().message);
  net->m_dir = std::move(*dir);
  ProxyOptions o;
  o.socket_path = net->m_dir.at(k_proxy_socket_name);
  o.allowed_hosts = network.allowed_hosts;
  o.blocked_hosts = network.blocked_hosts;
  o.observer = observer;
  net->m_observer = std::move(observer);
  auto proxy = Proxy::listen(std::move(o));
  if (!proxy) return make_error("restricted network: " + proxy.error().message);
  net->m_proxy = std::move(*proxy);
  net->m_proxy_socket.reset(::open(net->m_dir.at(k_proxy_socket_name).c_str(), O_PATH | O_CLOEXEC));
  if (!net->m_proxy_socket.valid()) {
    return make_error("restricted network: open(\"" + net->m_dir.path() + "/" + k_proxy_socket_name +
                      "\", O_PATH): " + std::strerror(errno));
  }
  auto counters = listen_for_counters(net->m_dir.at(k_counter_socket_name));
  if (!counters) return make_error("restricted network: " + counters.error().message);
  net->m_counters = std::move(*counters);
  return net;
}

HostNetwork::~HostNetwork() {
  finish(0);
  m_counters.reset();
  m_dir.remove();
}

std::vector<SandboxSocket> HostNetwork::sandbox_sockets() const {
  if (m_dir.path().empty()) return {};
  const std::string inside = std::string(k_sandbox_socket_dir) + "/";
  return {{m_dir.path() + "/" + k_proxy_socket_name, inside + k_proxy_socket_name},
          {m_dir.path() + "/" + k_counter_socket_name, inside + k_counter_socket_name}};
}

Result<void> HostNetwork::admit(uid_t uid, gid_t gid) {
  if (auto r = m_dir.give(uid, gid); !r) return make_error("restricted network: " + r.error().message);
  return {};
}

std::string HostNetwork::host_socket() const { return "/proc/self/fd/" + std::to_string(m_proxy_socket.get()); }

Result<void> HostNetwork::start() {
  if (!m_proxy) return make_error("restricted network: the proxy was already stopped");
  if (auto r = m_proxy->serve(); !r) return make_error("restricted network: " + r.error().message);
  return {};
}

std::string HostNetwork::finish(int exit_code) {
  if (!m_proxy) return "";
  m_stats = m_proxy->stats();
  m_proxy->stop();
  m_proxy.reset();
  std::optional<std::uint64_t> no_route;
  if (m_counters.valid()) no_route = read_no_routes(m_counters.get());
  const std::string counts = std::to_string(m_stats.allowed) + " connections allowed, " +
                             std::to_string(m_stats.refused) + " refused";
  const std::string rule =
      "the sandbox's network is restricted (sandbox.network.mode: restricted): only hosts in "
      "sandbox.network.allowed_hosts are reachable, through the proxy named in HTTP_PROXY/HTTPS_PROXY "
      "(http://127.0.0.1:" + std::to_string(k_bridge_port) + ")";
  if (no_route && *no_route > 0) {
    std::string attempts = std::to_string(*no_route) + (*no_route == 1 ? " connection attempt" : " connection attempts");
    if (m_observer) {
      ConnectionEvent e;
      e.verdict = ConnectionEvent::Verdict::refused;
      e.method = "DIRECT";
      e.reason = attempts + " went around the proxy and had no route out of the sandbox";
      try {
        m_observer(e);
      } catch (...) {
        // The note below still tells the user.
      }
    }
    return attempts + " went around the proxy and had no route: " + rule +
           "; a program that ignores those variables needs its own proxy option (" + counts + ")";
  }
  if (no_route || exit_code == 0) return "";
  return rule + "; programs that ignore those variables have no route out (" + counts + ")";
}

Result<BridgeProcess> start_sandbox_bridge(const std::vector<sock_filter>* seccomp,
                                           const std::vector<LoopbackForward>& forwards) {
  auto bridge = spawn_bridge({k_sandbox_socket, k_bridge_port, true, seccomp, forwards});
  if (!bridge) return make_error("restricted network bridge: " + bridge.error().message);
  // Best effort: without the counters the host falls back to a note on failure.
  [[maybe_unused]] auto sent = send_counters(std::string(k_sandbox_socket_dir) + "/" + k_counter_socket_name);
  return bridge;
}

}  // namespace vg::sandbox::proxy
