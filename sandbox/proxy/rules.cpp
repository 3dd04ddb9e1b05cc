#include "sandbox/proxy/rules.hpp"

#include "config/host_entry.hpp"

namespace vg::sandbox::proxy {

namespace {

// The address a rule compares against: v4-mapped IPv6 counts as its IPv4.
Address canonical(const Address& a) {
  if (auto v4 = a.unmapped_v4()) return *v4;
  return a;
}

}  // namespace

std::string normalize_host(std::string_view host) { return config::normalize_host(host); }

std::optional<std::string> invalid_host_name(std::string_view host) { return config::invalid_host_name(host); }

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
  // One syntax for the schema and the matcher: config::parse_host_entry.
  HostRule rule;
  rule.text = std::string(raw);
  auto entry = config::parse_host_entry(raw);
  if (!entry) return make_error("'" + rule.text + "': " + entry.error().message);
  rule.port = entry->port;
  switch (entry->kind) {
    case config::HostEntry::Kind::name:
      rule.kind = HostRule::Kind::exact;
      rule.name = entry->name;
      return rule;
    case config::HostEntry::Kind::wildcard:
      rule.kind = HostRule::Kind::wildcard;
      rule.name = entry->name;
      return rule;
    case config::HostEntry::Kind::any:
      rule.kind = HostRule::Kind::any;
      return rule;
    case config::HostEntry::Kind::address:
      break;
  }
  auto address = parse_address(entry->address);
  if (!address) return make_error("'" + rule.text + "': not an IP address");  // parse_host_entry checked it
  rule.kind = HostRule::Kind::address;
  if (entry->prefix_len < 0) {
    Address base = canonical(*address);
    rule.range = Cidr{base, base.family == Address::Family::v4 ? 32 : 128};
  } else {
    rule.range = Cidr{*address, entry->prefix_len};
  }
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
