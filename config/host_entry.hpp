#pragma once
// The syntax of one entry of sandbox.network.allowed_hosts / blocked_hosts,
// shared by the config schema (which rejects a bad entry with its
// file:line:column) and the restricted-network proxy (which builds its
// matcher from the parsed entry), so that both accept exactly the same set.
//
//   example.org        that name                     (any port)
//   *.example.org      any name below it, not the apex
//   *                  any name (never a raw IP address)
//   10.1.2.3, ::1, [::1]   that address
//   10.0.0.0/8, fd00::/8   that address range
//   any of the above but a range, followed by :PORT ("*.npmjs.org:443",
//   "[::1]:8080"); an IPv6 address with a port needs its brackets.
// Case-insensitive; one trailing dot of a name is ignored. No whitespace,
// no URL, no empty label, ports 1-65535, prefix lengths up to 32 / 128.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/result.hpp"

namespace vg::config {

// One parsed host entry.
struct HostEntry {
  enum class Kind {
    name,      // `name` exactly
    wildcard,  // any name ending in "." + `name`
    any,       // "*": any name
    address,   // `address`, or the range `address`/`prefix_len`
  };
  Kind kind = Kind::name;
  std::string name;                   // name: the host; wildcard: the suffix after "*." (normalized)
  std::string address;                // address: the IP literal, lower case, without brackets
  int prefix_len = -1;                // address: the range's prefix length; -1 for one address
  std::optional<std::uint16_t> port;  // nullopt = any port
};

// Parse the entry `text`; the Error says what is wrong (without repeating `text`).
Result<HostEntry> parse_host_entry(std::string_view text);

// Lower-case `host` and drop one trailing dot ("Example.ORG." -> "example.org").
std::string normalize_host(std::string_view host);

// Return why `host` (normalized) is not a usable DNS name, or nullopt when it is.
std::optional<std::string> invalid_host_name(std::string_view host);

// The accepted forms, for messages: "expected ...".
inline constexpr const char* k_host_entry_forms =
    "expected a name (example.org), *.domain, *, an IP address (10.1.2.3, [::1]) or a range (10.0.0.0/8), "
    "each but a range optionally with :PORT";

}  // namespace vg::config
