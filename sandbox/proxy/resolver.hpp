#pragma once
// Name resolution on the host side. The proxy resolves every name itself and
// connects to exactly the addresses it checked; tests swap in a hosts-file
// style map so that names point at 127.0.0.x without touching /etc/hosts.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/result.hpp"
#include "sandbox/proxy/address.hpp"

namespace vg::sandbox::proxy {

// Turns a host name into addresses. Implementations must be thread-safe:
// the proxy calls resolve() from worker threads.
class Resolver {
 public:
  virtual ~Resolver() = default;
  // Return every address of `host` (at least one), or an error naming why.
  virtual Result<std::vector<Address>> resolve(const std::string& host) const = 0;
};

// Create the system resolver (getaddrinfo).
std::shared_ptr<const Resolver> make_system_resolver();

// Create a resolver that knows only `hosts` (name -> address literals);
// every other name fails to resolve. Names are matched case-insensitively.
// An error names an entry that is not an IP address.
Result<std::shared_ptr<const Resolver>> make_hosts_resolver(
    const std::map<std::string, std::vector<std::string>>& hosts);

}  // namespace vg::sandbox::proxy
