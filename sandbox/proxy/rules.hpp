#pragma once
// The allow-list policy of `network.mode: restricted`.
//
// Entries of `allowed_hosts` and `blocked_hosts` (case-insensitive):
//   example.org        exactly that name, any port
//   *.example.org      any name below example.org (a.example.org,
//                      a.b.example.org), NOT example.org itself: list the
//                      apex separately when it is wanted
//   *                  any name (never a raw IP address)
//   NAME:PORT          any of the above, on that port only ("*.npmjs.org:443")
//   10.1.2.3, [::1]    an address (with an optional :PORT, "[::1]:8080")
//   10.0.0.0/8         an address range (any port)
// The syntax is config::parse_host_entry's (config/host_entry.hpp), shared
// with the config schema so that both accept exactly the same entries.
// `blocked_hosts` always win over `allowed_hosts`. A name is checked before it
// is resolved, then EVERY address it resolves to is checked again: a blocked
// address, or an address in a special-purpose range (private, loopback,
// link-local, ...) that no address entry of `allowed_hosts` covers, refuses
// the whole name. A raw IP address in a request is refused unless an address
// entry allows it. Names written in numeric forms ("2130706433",
// "0x7f.1") are refused as invalid.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/result.hpp"
#include "sandbox/proxy/address.hpp"

namespace vg::sandbox::proxy {

// One parsed entry of allowed_hosts / blocked_hosts.
struct HostRule {
  enum class Kind { exact, wildcard, any, address };
  Kind kind = Kind::exact;
  std::string name;                  // exact name, or the suffix of a wildcard
  Cidr range;                        // for Kind::address
  std::optional<std::uint16_t> port; // nullopt = any port
  std::string text;                  // as written in the config

  // Return true when this rule covers the name `host` on `port`.
  bool matches_name(std::string_view host, std::uint16_t port) const;
  // Return true when this rule covers `address` on `port`.
  bool matches_address(const Address& address, std::uint16_t port) const;
};

// Parse one entry `text`; the error names the entry and what is wrong with it.
Result<HostRule> parse_host_rule(std::string_view text);

// Lower-case `host` and drop one trailing dot (config::normalize_host).
std::string normalize_host(std::string_view host);

// Return an error message when `host` (normalized) is not a usable DNS name
// (config::invalid_host_name).
std::optional<std::string> invalid_host_name(std::string_view host);

// The outcome of one policy check.
struct Decision {
  enum class Verdict { allowed, refused };
  Verdict verdict = Verdict::refused;
  std::string reason;  // why (for refusals: shown to the program and the user)

  bool allowed() const { return verdict == Verdict::allowed; }
};

// allowed_hosts + blocked_hosts, parsed once.
class Policy {
 public:
  // Parse both lists; the error names the list, the index and the entry.
  static Result<Policy> make(const std::vector<std::string>& allowed_hosts,
                             const std::vector<std::string>& blocked_hosts);

  // Decide on the requested `host` (a name or an IP literal) and `port`,
  // before anything is resolved or connected.
  Decision check_target(std::string_view host, std::uint16_t port) const;
  // Decide on one `address` that the target resolved to (or is).
  Decision check_address(const Address& address, std::uint16_t port) const;

 private:
  std::vector<HostRule> m_allowed;
  std::vector<HostRule> m_blocked;
};

}  // namespace vg::sandbox::proxy
