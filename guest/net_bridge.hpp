#pragma once
// Restricted network inside the guest: the loopback interface up, and a
// bridge on 127.0.0.1:<port> that carries each TCP connection over the
// virtio-serial port "vg.net" (net_open / net_data / net_close frames) to
// the host, where vg hands it to the allow-list proxy. There is no NIC.

#include <cstdint>
#include <string>

namespace vg::guest {

// Bring `lo` up, listen on 127.0.0.1:`port` and start the bridge in a child
// process; return "" or what failed.
std::string start_net_bridge(std::uint32_t port);

}  // namespace vg::guest
