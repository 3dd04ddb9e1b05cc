#pragma once
// The host end of the guest's restricted network: a thread that reads the
// VM's "vg.net" virtio-serial port and turns each multiplexed connection
// (net_open / net_data / net_close) into its own connection to the
// allow-list proxy's unix socket (sandbox/proxy), which decides and relays.

#include <memory>
#include <string>
#include <thread>

#include "config/result.hpp"
#include "sandbox/microvm/qemu.hpp"

namespace vg::sandbox::microvm {

// A running relay; stopped (its thread joined, every connection closed) when destroyed.
class NetRelay {
 public:
  // Connect to `vm`'s "vg.net" port (before the guest is started) and relay
  // its connections to `proxy_socket`.
  static Result<std::unique_ptr<NetRelay>> start(const Vm& vm, const std::string& proxy_socket);
  ~NetRelay();
  NetRelay(const NetRelay&) = delete;
  NetRelay& operator=(const NetRelay&) = delete;

 private:
  NetRelay() = default;
  void run();
  int m_port = -1;
  int m_stop[2] = {-1, -1};
  std::string m_proxy_socket;
  std::thread m_thread;
};

}  // namespace vg::sandbox::microvm
