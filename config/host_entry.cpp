#include "config/host_entry.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>

namespace vg::config {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// An IP literal as inet_pton reads it: only the dotted quad for IPv4 (no
// "127.1", no hex, no leading zeros), no zone id for IPv6.
enum class Family { none, v4, v6 };
Family ip_family(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return Family::none;
  std::string s(text);
  unsigned char buf[sizeof(in6_addr)];
  if (::inet_pton(AF_INET, s.c_str(), buf) == 1) return Family::v4;
  if (::inet_pton(AF_INET6, s.c_str(), buf) == 1) return Family::v6;
  return Family::none;
}

Result<std::uint16_t> parse_port(std::string_view s) {
  unsigned v = 0;
  if (all_digits(s) && s.size() <= 5) {
    for (char c : s) v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v == 0 || v > 65535) return make_error("the port must be a number from 1 to 65535, not '" + std::string(s) + "'");
  return static_cast<std::uint16_t>(v);
}

Result<HostEntry> parse_range(const std::string& s) {
  const std::string bad = "not a valid address range (write it as 10.0.0.0/8 or fd00::/8, without a port)";
  auto slash = s.find('/');
  std::string addr = s.substr(0, slash);
  if (addr.size() >= 2 && addr.front() == '[' && addr.back() == ']') addr = addr.substr(1, addr.size() - 2);
  Family family = ip_family(addr);
  if (family == Family::none) return make_error(bad + ": '" + addr + "' is not an IP address");
  std::string_view digits = std::string_view(s).substr(slash + 1);
  int max = family == Family::v4 ? 32 : 128;
  if (!all_digits(digits) || digits.size() > 3) return make_error(bad + ": the prefix length must be a number");
  int len = 0;
  for (char c : digits) len = len * 10 + (c - '0');
  if (len > max) {
    return make_error(bad + ": the prefix length /" + std::string(digits) + " is longer than " + std::to_string(max) +
                      " bits");
  }
  HostEntry e;
  e.kind = HostEntry::Kind::address;
  e.address = addr;
  e.prefix_len = len;
  return e;
}

}  // namespace

std::string normalize_host(std::string_view host) {
  std::string out;
  out.reserve(host.size());
  for (char c : host) out.push_back(lower(c));
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

std::optional<std::string> invalid_host_name(std::string_view host) {
  if (host.empty()) return "the host name is empty";
  if (host.size() > 253) return "the host name is longer than 253 characters";
  std::size_t label_len = 0;
  for (char c : host) {
    if (c == '.') {
      if (label_len == 0) return "the host name has an empty label";
      label_len = 0;
      continue;
    }
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) {
      return "the host name contains a character that is not allowed in DNS names (write an internationalized "
             "name in its xn-- form)";
    }
    if (++label_len > 63) return "a label of the host name is longer than 63 characters";
  }
  if (label_len == 0) return "the host name has an empty label";
  // The resolver would read "2130706433", "127.1" or "0x7f.1" as addresses:
  // such names would slip past the raw-address rule, so they are not names.
  in_addr ignored{};
  std::string s(host);
  if (::inet_aton(s.c_str(), &ignored) != 0) return "the host name is an IP address in a non-standard form";
  auto dot = host.rfind('.');
  if (all_digits(host.substr(dot == std::string_view::npos ? 0 : dot + 1))) {
    return "the last label of the host name is numeric";
  }
  return std::nullopt;
}

Result<HostEntry> parse_host_entry(std::string_view text) {
  if (text.empty()) return make_error("empty entry");
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return make_error("an entry may not contain spaces or control characters");
  }
  if (text.find("://") != std::string_view::npos) {
    return make_error("a URL is not a host entry; write the host alone, with :PORT if needed (example.org:443)");
  }
  std::string s;
  s.reserve(text.size());
  for (char c : text) s.push_back(lower(c));

  if (s.find('/') != std::string::npos) return parse_range(s);

  HostEntry e;
  std::string host = s;
  if (s.front() == '[') {  // [v6] or [v6]:port
    auto close = s.find(']');
    if (close == std::string::npos) return make_error("missing ']' after an IPv6 address");
    host = s.substr(1, close - 1);
    if (ip_family(host) != Family::v6) return make_error("'[" + host + "]' does not hold an IPv6 address");
    auto rest = std::string_view(s).substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return make_error("expected ':PORT' after ']'");
      auto port = parse_port(rest.substr(1));
      if (!port) return port.error();
      e.port = *port;
    }
    e.kind = HostEntry::Kind::address;
    e.address = host;
    return e;
  }
  auto colons = std::count(s.begin(), s.end(), ':');
  if (colons > 1) {  // only a bare IPv6 address has several
    if (ip_family(s) != Family::v6) {
      return make_error("not a valid IPv6 address (with a port, write it in brackets: [::1]:8080)");
    }
    e.kind = HostEntry::Kind::address;
    e.address = s;
    return e;
  }
  if (colons == 1) {
    auto colon = s.find(':');
    host = s.substr(0, colon);
    auto port = parse_port(std::string_view(s).substr(colon + 1));
    if (!port) return port.error();
    e.port = *port;
  }
  if (host == "*.") return make_error("'*.' needs a domain after it ('*.example.org')");
  if (!host.empty() && host.back() == '.') host.pop_back();
  if (ip_family(host) == Family::v4) {
    e.kind = HostEntry::Kind::address;
    e.address = host;
    return e;
  }
  if (host == "*") {
    e.kind = HostEntry::Kind::any;
    return e;
  }
  if (host.starts_with("*.")) {
    e.kind = HostEntry::Kind::wildcard;
    host = host.substr(2);
    if (host.empty()) return make_error("'*.' needs a domain after it ('*.example.org')");
  }
  if (host.find('*') != std::string::npos) {
    return make_error("a wildcard may only be the whole first label ('*.example.org')");
  }
  if (auto why = invalid_host_name(host)) return make_error(*why);
  e.name = host;
  return e;
}

}  // namespace vg::config
