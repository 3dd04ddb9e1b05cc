#include "sandbox/proxy/rules.hpp"

#include <arpa/inet.h>

#include <algorithm>

namespace vg::sandbox::proxy {

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::optional<std::uint16_t> parse_port(std::string_view s) {
  if (s.empty() || s.size() > 5) return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v == 0 || v > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// The address a rule compares against: v4-mapped IPv6 counts as its IPv4.
Address canonical(const Address& a) {
  if (auto v4 = a.unmapped_v4()) return *v4;
  return a;
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
    if (!ok) return "the host name contains a character that is not allowed in DNS names";
    if (++label_len > 63) return "a label of the host name is longer than 63 characters";
  }
  if (label_len == 0) return "the host name has an empty label";
  // The resolver would read "2130706433", "127.1" or "0x7f.1" as addresses:
  // such names would slip past the raw-address rule, so they are not names.
  in_addr ignored{};
  std::string s(host);
  if (::inet_aton(s.c_str(), &ignored) != 0) return "the host name is an IP address in a non-standard form";
  auto last = host.substr(host.rfind('.') == std::string_view::npos ? 0 : host.rfind('.') + 1);
  if (std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return "the last label of the host name is numeric";
  }
  return std::nullopt;
}

bool HostRule::matches_name(std::string_view host, std::uint16_t p) const {
  if (port && *port != p) return false;
  switch (kind) {
    case Kind::exact:
      return host == name;
    case Kind::wildcard:
      return host.size() > name.size() + 1 && host.ends_with(name) &&
             host[host.size() - name.size() - 1] == '.';
    case Kind::any:
      return true;
    case Kind::address:
      return false;
  }
  return false;
}

bool HostRule::matches_address(const Address& address, std::uint16_t p) const {
  if (kind != Kind::address) return false;
  if (port && *port != p) return false;
  return range.contains(canonical(address)) || range.contains(address);
}

Result<HostRule> parse_host_rule(std::string_view raw) {
  HostRule rule;
  rule.text = trim(raw);
  std::string s = normalize_host(rule.text);
  auto fail = [&](const std::string& why) {
    return make_error("'" + rule.text + "': " + why);
  };
  if (s.empty()) return fail("empty entry");

  if (s.find('/') != std::string::npos) {
    auto cidr = parse_cidr(s);
    if (!cidr) return fail("not a valid address range (write it as 10.0.0.0/8 or fd00::/8)");
    rule.kind = HostRule::Kind::address;
    rule.range = *cidr;
    return rule;
  }

  std::string host = s;
  if (s.front() == '[') {  // [v6] or [v6]:port
    auto close = s.find(']');
    if (close == std::string::npos) return fail("missing ']' after an IPv6 address");
    host = s.substr(0, close + 1);
    auto rest = std::string_view(s).substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return fail("expected ':PORT' after ']'");
      rule.port = parse_port(rest.substr(1));
      if (!rule.port) return fail("the port must be a number from 1 to 65535");
    }
  } else if (std::count(s.begin(), s.end(), ':') == 1) {
    auto colon = s.find(':');
    host = s.substr(0, colon);
    rule.port = parse_port(std::string_view(s).substr(colon + 1));
    if (!rule.port) return fail("the port must be a number from 1 to 65535");
  }

  if (auto address = parse_address(host)) {
    rule.kind = HostRule::Kind::address;
    Address base = canonical(*address);
    rule.range = Cidr{base, base.family == Address::Family::v4 ? 32 : 128};
    return rule;
  }
  if (host == "*") {
    rule.kind = HostRule::Kind::any;
    return rule;
  }
  if (host.starts_with("*.")) {
    rule.kind = HostRule::Kind::wildcard;
    rule.name = host.substr(2);
  } else {
    rule.kind = HostRule::Kind::exact;
    rule.name = host;
  }
  if (rule.name.find('*') != std::string::npos) {
    return fail("a wildcard may only be the whole first label ('*.example.org')");
  }
  if (auto why = invalid_host_name(rule.name)) return fail(*why);
  return rule;
}

Result<Policy> Policy::make(const std::vector<std::string>& allowed_hosts,
                            const std::vector<std::string>& blocked_hosts) {
  Policy p;
  auto parse_list = [](const std::vector<std::string>& in, const char* list,
                       std::vector<HostRule>& out) -> Result<void> {
    for (std::size_t i = 0; i < in.size(); ++i) {
      auto rule = parse_host_rule(in[i]);
      if (!rule) {
        return make_error(std::string("sandbox.network.") + list + "[" + std::to_string(i) +
                          "] " + rule.error().message);
      }
      out.push_back(std::move(*rule));
    }
    return {};
  };
  if (auto r = parse_list(allowed_hosts, "allowed_hosts", p.m_allowed); !r) return r.error();
  if (auto r = parse_list(blocked_hosts, "blocked_hosts", p.m_blocked); !r) return r.error();
  return p;
}

Decision Policy::check_target(std::string_view requested, std::uint16_t port) const {
  auto refuse = [](std::string why) { return Decision{Decision::Verdict::refused, std::move(why)}; };
  if (auto address = parse_address(requested)) {
    for (const auto& r : m_blocked) {
      if (r.matches_address(*address, port)) return refuse("matches blocked_hosts entry '" + r.text + "'");
    }
    for (const auto& r : m_allowed) {
      if (r.matches_address(*address, port)) {
        return Decision{Decision::Verdict::allowed, "allowed by '" + r.text + "'"};
      }
    }
    return refuse("raw IP address not allow-listed (add the address itself to allowed_hosts)");
  }
  std::string host = normalize_host(requested);
  if (auto why = invalid_host_name(host)) return refuse("invalid host: " + *why);
  for (const auto& r : m_blocked) {
    if (r.matches_name(host, port)) return refuse("matches blocked_hosts entry '" + r.text + "'");
  }
  for (const auto& r : m_allowed) {
    if (r.matches_name(host, port)) return Decision{Decision::Verdict::allowed, "allowed by '" + r.text + "'"};
  }
  return refuse("not in allowed_hosts");
}

Decision Policy::check_address(const Address& address, std::uint16_t port) const {
  for (const auto& r : m_blocked) {
    if (r.matches_address(address, port)) {
      return Decision{Decision::Verdict::refused,
                      "address " + address.to_string() + " matches blocked_hosts entry '" + r.text + "'"};
    }
  }
  auto special = special_range(address);
  if (!special) return Decision{Decision::Verdict::allowed, "public address"};
  for (const auto& r : m_allowed) {
    if (r.matches_address(address, port)) {
      return Decision{Decision::Verdict::allowed, "address allowed by '" + r.text + "'"};
    }
  }
  return Decision{Decision::Verdict::refused, "resolves to " + *special + " address " + address.to_string() +
                                                  " (allow-list the address itself to permit it)"};
}

}  // namespace vg::sandbox::proxy
