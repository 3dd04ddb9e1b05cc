#include "sandbox/proxy/sandbox_network.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "sandbox/proxy/rules.hpp"

namespace vg::sandbox::proxy {

Result<std::unique_ptr<HostNetwork>> HostNetwork::prepare(const config::Network& network,
                                                         std::function<void(const ConnectionEvent&)> observer) {
  if (auto policy = Policy::make(network.allowed_hosts, network.blocked_hosts); !policy) return policy.error();
  std::unique_ptr<HostNetwork> net(new HostNetwork);
  // Under /tmp, not $XDG_RUNTIME_DIR: a unix socket path must stay under 108
  // bytes. mkdtemp makes it 0700, so only the caller's uid can connect.
  char tmpl[] = "/tmp/vg-net-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) {
    return make_error(std::string("mkdtemp(\"/tmp/vg-net-XXXXXX\"): ") + std::strerror(errno) +
                      " (the restricted network's proxy socket needs a directory)");
  }
  net->m_dir = tmpl;
  ProxyOptions o;
  o.socket_path = net->m_dir + "/proxy.sock";
  o.allowed_hosts = network.allowed_hosts;
  o.blocked_hosts = network.blocked_hosts;
  o.observer = std::move(observer);
  auto proxy = Proxy::listen(std::move(o));
  if (!proxy) return make_error("restricted network: " + proxy.error().message);
  net->m_proxy = std::move(*proxy);
  return net;
}

HostNetwork::~HostNetwork() {
  finish(0);
  if (!m_dir.empty()) ::rmdir(m_dir.c_str());
}

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
  if (exit_code == 0) return "";
  return "the sandbox's network is restricted (sandbox.network.mode: restricted): only hosts in "
         "sandbox.network.allowed_hosts are reachable, through the proxy named in HTTP_PROXY/HTTPS_PROXY; "
         "programs that ignore those variables have no route out (" +
         std::to_string(m_stats.allowed) + " connections allowed, " + std::to_string(m_stats.refused) + " refused)";
}

Result<BridgeProcess> start_sandbox_bridge() {
  auto bridge = spawn_bridge({k_sandbox_socket, k_bridge_port, true});
  if (!bridge) return make_error("restricted network bridge: " + bridge.error().message);
  return bridge;
}

}  // namespace vg::sandbox::proxy
