#pragma once
// IP addresses as the proxy sees them: parsing, formatting, CIDR ranges and
// the special-purpose ranges (private, loopback, link-local, ...) that a
// sandboxed command may only reach when they are allow-listed by address.

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vg::sandbox::proxy {

// One IPv4 or IPv6 address (IPv4 kept in the first 4 bytes).
struct Address {
  enum class Family { v4, v6 };
  Family family = Family::v4;
  std::array<std::uint8_t, 16> bytes{};

  // Format as text: "10.0.0.1", "::1".
  std::string to_string() const;
  // Return the IPv4 address embedded in a v4-mapped IPv6 address, if any.
  std::optional<Address> unmapped_v4() const;
  // Fill `out` with this address and `port`; return the length to pass to connect().
  socklen_t to_sockaddr(std::uint16_t port, sockaddr_storage& out) const;
  bool operator==(const Address& other) const = default;
};

// Parse an IP literal ("10.0.0.1", "::1", "[::1]"); nullopt when it is not one.
std::optional<Address> parse_address(std::string_view text);

// Convert a socket address from getaddrinfo; nullopt for other families.
std::optional<Address> from_sockaddr(const sockaddr* sa);

// An address range: `base`/`prefix_len`.
struct Cidr {
  Address base;
  int prefix_len = 0;

  // Return true when `a` lies in this range (families must match).
  bool contains(const Address& a) const;
  // Format as "10.0.0.0/8".
  std::string to_string() const;
};

// Parse "10.0.0.0/8" or "fd00::/8" (a bare address is a /32 or /128).
std::optional<Cidr> parse_cidr(std::string_view text);

// Name the special-purpose range `a` belongs to ("private", "loopback",
// "link-local", ...), or nullopt for an ordinary public unicast address.
std::optional<std::string> special_range(const Address& a);

}  // namespace vg::sandbox::proxy
