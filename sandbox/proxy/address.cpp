#include "sandbox/proxy/address.hpp"

#include <arpa/inet.h>

#include <cstring>
#include <vector>

namespace vg::sandbox::proxy {

std::string Address::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family == Family::v4) {
    ::inet_ntop(AF_INET, bytes.data(), buf, sizeof buf);
  } else {
    ::inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  }
  return buf;
}

std::optional<Address> Address::unmapped_v4() const {
  if (family != Family::v6) return std::nullopt;
  static constexpr std::uint8_t k_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(bytes.data(), k_prefix, 12) != 0) return std::nullopt;
  Address v4;
  std::memcpy(v4.bytes.data(), bytes.data() + 12, 4);
  return v4;
}

socklen_t Address::to_sockaddr(std::uint16_t port, sockaddr_storage& out) const {
  std::memset(&out, 0, sizeof out);
  if (family == Family::v4) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&out);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    std::memcpy(&sin->sin_addr, bytes.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out);
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons(port);
  std::memcpy(&sin6->sin6_addr, bytes.data(), 16);
  return sizeof(sockaddr_in6);
}

std::optional<Address> parse_address(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
    if (text.find(':') == std::string_view::npos) return std::nullopt;
  }
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  // inet_pton accepts only the dotted-quad form (no "127.1", no hex), which
  // is what we want: other numeric spellings are refused as names elsewhere.
  std::string s(text);
  Address a;
  if (::inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) {
    a.family = Address::Family::v4;
    return a;
  }
  // Zone ids ("fe80::1%eth0") are refused: inet_pton rejects them.
  if (::inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) {
    a.family = Address::Family::v6;
    return a;
  }
  return std::nullopt;
}

std::optional<Address> from_sockaddr(const sockaddr* sa) {
  Address a;
  if (sa->sa_family == AF_INET) {
    a.family = Address::Family::v4;
    std::memcpy(a.bytes.data(), &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, 4);
    return a;
  }
  if (sa->sa_family == AF_INET6) {
    a.family = Address::Family::v6;
    std::memcpy(a.bytes.data(), &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, 16);
    return a;
  }
  return std::nullopt;
}

bool Cidr::contains(const Address& a) const {
  if (a.family != base.family) return false;
  int full = prefix_len / 8;
  if (std::memcmp(a.bytes.data(), base.bytes.data(), static_cast<std::size_t>(full)) != 0) return false;
  int rest = prefix_len % 8;
  if (rest == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a.bytes[static_cast<std::size_t>(full)] & mask) ==
         (base.bytes[static_cast<std::size_t>(full)] & mask);
}

std::string Cidr::to_string() const { return base.to_string() + "/" + std::to_string(prefix_len); }

std::optional<Cidr> parse_cidr(std::string_view text) {
  auto slash = text.find('/');
  auto addr = parse_address(text.substr(0, slash));
  if (!addr) return std::nullopt;
  int max = addr->family == Address::Family::v4 ? 32 : 128;
  int len = max;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    len = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      len = len * 10 + (c - '0');
    }
    if (len > max) return std::nullopt;
  }
  return Cidr{*addr, len};
}

namespace {

struct Range {
  const char* cidr;
  const char* name;
};

// IANA special-purpose registries (RFC 6890 and successors). Anything here is
// refused unless allow-listed by address.
constexpr Range k_v4_ranges[] = {
    {"0.0.0.0/8", "this-network"},     {"10.0.0.0/8", "private"},
    {"100.64.0.0/10", "shared (CGNAT)"}, {"127.0.0.0/8", "loopback"},
    {"169.254.0.0/16", "link-local"},  {"172.16.0.0/12", "private"},
    {"192.0.0.0/24", "IETF protocol"}, {"192.0.2.0/24", "documentation"},
    {"192.88.99.0/24", "6to4 relay"},  {"192.168.0.0/16", "private"},
    {"198.18.0.0/15", "benchmarking"}, {"198.51.100.0/24", "documentation"},
    {"203.0.113.0/24", "documentation"}, {"224.0.0.0/4", "multicast"},
    {"240.0.0.0/4", "reserved"},
};

constexpr Range k_v6_ranges[] = {
    {"::/128", "unspecified"},       {"::1/128", "loopback"},
    {"::/96", "IPv4-compatible"},    {"100::/64", "discard"},
    {"2001::/23", "IETF protocol"},  {"2001:db8::/32", "documentation"},
    {"2002::/16", "6to4"},           {"fc00::/7", "unique-local (private)"},
    {"fe80::/10", "link-local"},     {"fec0::/10", "site-local"},
    {"ff00::/8", "multicast"},
};

const std::vector<std::pair<Cidr, const char*>>& table() {
  static const auto* t = [] {
    auto* v = new std::vector<std::pair<Cidr, const char*>>;
    for (const auto& r : k_v4_ranges) v->emplace_back(*parse_cidr(r.cidr), r.name);
    for (const auto& r : k_v6_ranges) v->emplace_back(*parse_cidr(r.cidr), r.name);
    return v;
  }();
  return *t;
}

}  // namespace

std::optional<std::string> special_range(const Address& a) {
  // A v4-mapped address reaches the IPv4 address inside it; so does NAT64.
  if (auto v4 = a.unmapped_v4()) return special_range(*v4);
  static const Cidr k_nat64 = *parse_cidr("64:ff9b::/96");
  if (k_nat64.contains(a)) {
    Address v4;
    std::memcpy(v4.bytes.data(), a.bytes.data() + 12, 4);
    return special_range(v4);
  }
  for (const auto& [cidr, name] : table()) {
    if (cidr.contains(a)) return std::string(name);
  }
  return std::nullopt;
}

}  // namespace vg::sandbox::proxy
