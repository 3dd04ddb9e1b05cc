#include "sandbox/proxy/no_proxy.hpp"

#include <arpa/inet.h>

#include <cstring>

#include "config/host_entry.hpp"

namespace vg::sandbox::proxy {

namespace {

struct Loopback {
  const char* host;  // as NO_PROXY lists it
  int family;        // AF_INET6 for an address, 0 for a name
};

constexpr Loopback k_loopback[] = {{"localhost", 0}, {"127.0.0.1", AF_INET}, {"::1", AF_INET6}};

// True when the address range `base`/`prefix_len` (prefix_len -1: one
// address) of family `family` holds `address`.
bool range_holds(int family, const std::string& base, int prefix_len, const char* address) {
  unsigned char b[16] = {}, a[16] = {};
  if (inet_pton(family, base.c_str(), b) != 1 || inet_pton(family, address, a) != 1) return false;
  int bits = family == AF_INET ? 32 : 128;
  int len = prefix_len < 0 ? bits : prefix_len;
  for (int i = 0; i < len; ++i) {
    int mask = 0x80 >> (i % 8);
    if ((b[i / 8] & mask) != (a[i / 8] & mask)) return false;
  }
  return true;
}

bool names(const config::HostEntry& e, const Loopback& l) {
  using Kind = config::HostEntry::Kind;
  if (e.port) return false;  // one port: forwarded by the bridge (loopback_forward.hpp)
  if (l.family == 0) return e.kind == Kind::name && e.name == l.host;
  if (e.kind != Kind::address) return false;
  int family = e.address.find(':') == std::string::npos ? AF_INET : AF_INET6;
  return family == l.family && range_holds(family, e.address, e.prefix_len, l.host);
}

}  // namespace

std::string no_proxy_list(const std::vector<std::string>& allowed_hosts) {
  std::string out;
  for (const Loopback& l : k_loopback) {
    bool allowed = false;
    for (const auto& text : allowed_hosts) {
      auto entry = config::parse_host_entry(text);
      if (entry && names(*entry, l)) allowed = true;
    }
    if (allowed) continue;
    if (!out.empty()) out += ',';
    out += l.host;
  }
  return out;
}

}  // namespace vg::sandbox::proxy
