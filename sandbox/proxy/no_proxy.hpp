#pragma once
// Which hosts a restricted sandbox's HTTP clients reach without the proxy
// (NO_PROXY). The sandbox's own loopback is reached directly, so a server
// the command starts on localhost answers its own client. A loopback host
// the allow-list names with a port ("127.0.0.1:18781") is forwarded there
// by the bridge (loopback_forward.hpp), so direct is right for it too; one
// named without a port ("127.0.0.1", "localhost", "127.0.0.0/8") means every
// port of the host's, which no bridge can listen on: it is left out, so
// clients send it to the proxy, which connects to the host's loopback.

#include <string>
#include <vector>

namespace vg::sandbox::proxy {

// Return the NO_PROXY value for a sandbox whose allow-list is
// `allowed_hosts`: "localhost,127.0.0.1,::1" without the loopback hosts an
// entry without a port names explicitly (a name, an address or a range
// covering one; never through "*" or a wildcard). Entries that do not parse
// are ignored here (the config schema rejects them).
std::string no_proxy_list(const std::vector<std::string>& allowed_hosts);

}  // namespace vg::sandbox::proxy
