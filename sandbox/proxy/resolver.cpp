#include "sandbox/proxy/resolver.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>

#include "sandbox/proxy/rules.hpp"

namespace vg::sandbox::proxy {

namespace {

class SystemResolver final : public Resolver {
 public:
  Result<std::vector<Address>> resolve(const std::string& host) const override {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &list);
    if (rc != 0) {
      return make_error("cannot resolve " + host + ": " + ::gai_strerror(rc));
    }
    std::vector<Address> out;
    for (addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
      auto a = from_sockaddr(ai->ai_addr);
      if (a && std::find(out.begin(), out.end(), *a) == out.end()) out.push_back(*a);
    }
    ::freeaddrinfo(list);
    if (out.empty()) return make_error("cannot resolve " + host + ": no IPv4 or IPv6 address");
    return out;
  }
};

class HostsResolver final : public Resolver {
 public:
  explicit HostsResolver(std::map<std::string, std::vector<Address>> hosts) : m_hosts(std::move(hosts)) {}

  Result<std::vector<Address>> resolve(const std::string& host) const override {
    auto it = m_hosts.find(normalize_host(host));
    if (it == m_hosts.end() || it->second.empty()) {
      return make_error("cannot resolve " + host + ": not in the resolver's hosts map");
    }
    return it->second;
  }

 private:
  std::map<std::string, std::vector<Address>> m_hosts;
};

}  // namespace

std::shared_ptr<const Resolver> make_system_resolver() { return std::make_shared<SystemResolver>(); }

Result<std::shared_ptr<const Resolver>> make_hosts_resolver(
    const std::map<std::string, std::vector<std::string>>& hosts) {
  std::map<std::string, std::vector<Address>> parsed;
  for (const auto& [name, addresses] : hosts) {
    auto& out = parsed[normalize_host(name)];
    for (const auto& text : addresses) {
      auto a = parse_address(text);
      if (!a) return make_error("resolver hosts map: '" + text + "' (for " + name + ") is not an IP address");
      out.push_back(*a);
    }
  }
  return std::shared_ptr<const Resolver>(std::make_shared<HostsResolver>(std::move(parsed)));
}

}  // namespace vg::sandbox::proxy
