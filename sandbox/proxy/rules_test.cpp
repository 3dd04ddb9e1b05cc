#include "sandbox/proxy/rules.hpp"

#include <gtest/gtest.h>

namespace vg::sandbox::proxy {
namespace {

Policy policy(std::vector<std::string> allowed, std::vector<std::string> blocked = {}) {
  auto p = Policy::make(allowed, blocked);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return std::move(*p);
}

bool allows(const Policy& p, const char* host, std::uint16_t port) { return p.check_target(host, port).allowed(); }

TEST(Rules, ExactNameMatchesThatNameOnly) {
  auto p = policy({"registry.npmjs.org"});
  EXPECT_TRUE(allows(p, "registry.npmjs.org", 443));
  EXPECT_TRUE(allows(p, "Registry.NPMJS.org.", 80));  // case and trailing dot
  EXPECT_FALSE(allows(p, "npmjs.org", 443));
  EXPECT_FALSE(allows(p, "evil.registry.npmjs.org", 443));
  EXPECT_FALSE(allows(p, "registry.npmjs.org.evil.com", 443));
  EXPECT_EQ(p.check_target("other.org", 443).reason, "not in allowed_hosts");
}

TEST(Rules, WildcardMatchesSubdomainsButNotTheApex) {
  auto p = policy({"*.example.org"});
  EXPECT_TRUE(allows(p, "a.example.org", 443));
  EXPECT_TRUE(allows(p, "a.b.example.org", 443));
  EXPECT_FALSE(allows(p, "example.org", 443));
  EXPECT_FALSE(allows(p, "badexample.org", 443));
  EXPECT_FALSE(allows(p, "example.org.evil.com", 443));
}

TEST(Rules, PortRulesRestrictThePort) {
  auto p = policy({"api.example.org:443", "*.cdn.example.org:8443"});
  EXPECT_TRUE(allows(p, "api.example.org", 443));
  EXPECT_FALSE(allows(p, "api.example.org", 80));
  EXPECT_TRUE(allows(p, "x.cdn.example.org", 8443));
  EXPECT_FALSE(allows(p, "x.cdn.example.org", 443));
}

TEST(Rules, BlockedHostsWin) {
  auto p = policy({"*.example.org", "*"}, {"secret.example.org", "*.internal.example.org", "pastebin.com:443"});
  EXPECT_TRUE(allows(p, "www.example.org", 443));
  EXPECT_FALSE(allows(p, "secret.example.org", 443));
  EXPECT_FALSE(allows(p, "db.internal.example.org", 443));
  EXPECT_FALSE(allows(p, "pastebin.com", 443));
  EXPECT_TRUE(allows(p, "pastebin.com", 80));  // the block names a port
  EXPECT_NE(p.check_target("secret.example.org", 1).reason.find("blocked_hosts"), std::string::npos);
}

TEST(Rules, RawAddressesNeedAnAddressEntry) {
  auto p = policy({"*", "*.example.org"});
  EXPECT_FALSE(allows(p, "93.184.216.34", 80));
  EXPECT_FALSE(allows(p, "::1", 80));
  auto q = policy({"127.0.0.2:8080", "10.0.0.0/8", "[::1]"});
  EXPECT_TRUE(allows(q, "127.0.0.2", 8080));
  EXPECT_FALSE(allows(q, "127.0.0.2", 8081));
  EXPECT_TRUE(allows(q, "10.9.8.7", 22));
  EXPECT_TRUE(allows(q, "::1", 1));
  EXPECT_TRUE(allows(q, "::ffff:10.0.0.1", 1));  // mapped form is the same address
}

TEST(Rules, PortsOnIpv6AddressesAndOnAny) {
  auto p = policy({"[::1]:8080", "*:443", "fd00::/8"});
  EXPECT_TRUE(allows(p, "::1", 8080));
  EXPECT_FALSE(allows(p, "::1", 8081));
  EXPECT_TRUE(allows(p, "a.org", 443));
  EXPECT_FALSE(allows(p, "a.org", 80));
  EXPECT_TRUE(allows(p, "fd12::3", 22));
  EXPECT_FALSE(allows(p, "fe80::1", 22));
}

TEST(Rules, NumericNameFormsAreRefused) {
  auto p = policy({"*"});
  for (const char* s : {"2130706433", "127.1", "0x7f.1", "0x7f000001", "1.2.3.999", "a.123"}) {
    EXPECT_FALSE(allows(p, s, 80)) << s;
  }
  EXPECT_FALSE(allows(p, "exa mple.org", 80));
  EXPECT_FALSE(allows(p, "a..b", 80));
  EXPECT_FALSE(allows(p, "", 80));
  EXPECT_TRUE(allows(p, "0x7f.example", 80));  // a name with a hex-looking label is still a name
}

TEST(Rules, SpecialAddressesAreRefusedUnlessListedByAddress) {
  auto p = policy({"*.test", "127.0.0.2", "10.1.0.0/16"}, {"93.184.216.0/24"});
  auto loop = p.check_address(*parse_address("127.0.0.3"), 80);
  EXPECT_FALSE(loop.allowed());
  EXPECT_NE(loop.reason.find("loopback address 127.0.0.3"), std::string::npos);
  EXPECT_FALSE(p.check_address(*parse_address("10.0.0.1"), 80).allowed());
  EXPECT_FALSE(p.check_address(*parse_address("169.254.169.254"), 80).allowed());
  EXPECT_TRUE(p.check_address(*parse_address("127.0.0.2"), 80).allowed());
  EXPECT_TRUE(p.check_address(*parse_address("10.1.2.3"), 80).allowed());
  EXPECT_TRUE(p.check_address(*parse_address("8.8.8.8"), 80).allowed());
  EXPECT_FALSE(p.check_address(*parse_address("93.184.216.34"), 443).allowed());
  EXPECT_FALSE(p.check_address(*parse_address("::ffff:127.0.0.3"), 80).allowed());
}

TEST(Rules, BadEntriesNameTheListIndexAndProblem) {
  struct Case {
    const char* entry;
    const char* message;
  } cases[] = {
      {"example.org:0", "port must be a number"},
      {"example.org:99999", "port must be a number"},
      {"example.org:x", "port must be a number"},
      {"foo.*.org", "wildcard may only be"},
      {"*example.org", "wildcard may only be"},
      {"exa mple.org", "may not contain spaces"},
      {"b\xc3\xbc" "cher.de", "not allowed in DNS names"},
      {"*.", "needs a domain"},
      {"a..b", "empty label"},
      {"[::1]:70000", "port must be a number"},
      {"10.0.0.0/40", "not a valid address range"},
      {"[::1", "missing ']'"},
      {"", "empty entry"},
  };
  for (const auto& c : cases) {
    auto p = Policy::make({"ok.org", c.entry}, {});
    ASSERT_FALSE(p.ok()) << c.entry;
    EXPECT_NE(p.error().message.find("sandbox.network.allowed_hosts[1]"), std::string::npos) << p.error().message;
    EXPECT_NE(p.error().message.find(c.message), std::string::npos) << p.error().message;
  }
  auto b = Policy::make({}, {"bad:port:x"});
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("blocked_hosts[0]"), std::string::npos);
}

}  // namespace
}  // namespace vg::sandbox::proxy
