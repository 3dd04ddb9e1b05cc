// The network step. `none`: the new network namespace has only a loopback
// interface, which starts down; bring it up so local servers work.
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sandbox/namespace/child.hpp"
#include "sandbox/proxy/sandbox_network.hpp"

namespace vg::sandbox::ns {

bool setup_network(const Plan& plan, int sock) {
  if (plan.network == config::NetworkMode::full) return true;
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail_step(sock, "network", "socket", nullptr, errno);
  ifreq req{};
  std::strncpy(req.ifr_name, "lo", IFNAMSIZ - 1);
  if (ioctl(fd, SIOCGIFFLAGS, &req) != 0) fail_step(sock, "network", "ioctl(SIOCGIFFLAGS)", "lo", errno);
  req.ifr_flags = static_cast<short>(req.ifr_flags | IFF_UP | IFF_RUNNING);
  if (ioctl(fd, SIOCSIFFLAGS, &req) != 0) fail_step(sock, "network", "ioctl(SIOCSIFFLAGS)", "lo", errno);
  close(fd);
  // restricted: the only way out is the bridge to vg's proxy (sandbox/proxy).
  if (plan.network == config::NetworkMode::restricted) {
    auto bridge = proxy::start_sandbox_bridge(&plan.seccomp, plan.loopback_forwards);
    if (!bridge) fail_step(sock, "network", "start_sandbox_bridge", proxy::k_sandbox_socket, errno, bridge.error().message.c_str());
  }
  return true;
}

}  // namespace vg::sandbox::ns
