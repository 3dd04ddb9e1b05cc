#include "sandbox/proxy/address.hpp"

#include <gtest/gtest.h>

namespace vg::sandbox::proxy {
namespace {

std::optional<std::string> special(const char* text) {
  auto a = parse_address(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a ? special_range(*a) : std::optional<std::string>("unparsable");
}

TEST(Address, ParsesDottedQuadAndIpv6) {
  EXPECT_EQ(parse_address("10.0.0.1")->to_string(), "10.0.0.1");
  EXPECT_EQ(parse_address("::1")->to_string(), "::1");
  EXPECT_EQ(parse_address("[fe80::1]")->to_string(), "fe80::1");
  EXPECT_EQ(parse_address("[::1]")->family, Address::Family::v6);
}

TEST(Address, RejectsNonStandardNumericForms) {
  for (const char* s : {"127.1", "2130706433", "0x7f.0.0.1", "1.2.3.4.5", "", "[1.2.3.4]", "fe80::1%eth0",
                        "example.org", "256.1.1.1"}) {
    EXPECT_FALSE(parse_address(s).has_value()) << s;
  }
}

TEST(Address, ClassifiesSpecialRanges) {
  EXPECT_EQ(special("10.0.0.1"), "private");
  EXPECT_EQ(special("172.16.5.4"), "private");
  EXPECT_EQ(special("192.168.1.1"), "private");
  EXPECT_EQ(special("127.0.0.1"), "loopback");
  EXPECT_EQ(special("127.255.0.9"), "loopback");
  EXPECT_EQ(special("169.254.169.254"), "link-local");
  EXPECT_EQ(special("0.0.0.0"), "this-network");
  EXPECT_EQ(special("100.64.0.1"), "shared (CGNAT)");
  EXPECT_EQ(special("224.0.0.1"), "multicast");
  EXPECT_EQ(special("255.255.255.255"), "reserved");
  EXPECT_EQ(special("::1"), "loopback");
  EXPECT_EQ(special("::"), "unspecified");
  EXPECT_EQ(special("fe80::1"), "link-local");
  EXPECT_EQ(special("fd12:3456::1"), "unique-local (private)");
  EXPECT_EQ(special("ff02::1"), "multicast");
}

TEST(Address, MappedAndNat64AddressesAreJudgedByTheirIpv4) {
  EXPECT_EQ(special("::ffff:127.0.0.1"), "loopback");
  EXPECT_EQ(special("::ffff:10.1.2.3"), "private");
  EXPECT_EQ(special("64:ff9b::a00:1"), "private");  // 10.0.0.1 via NAT64
  EXPECT_EQ(special("::ffff:93.184.216.34"), std::nullopt);
}

TEST(Address, PublicAddressesAreNotSpecial) {
  EXPECT_EQ(special("93.184.216.34"), std::nullopt);
  EXPECT_EQ(special("172.32.0.1"), std::nullopt);   // just past 172.16/12
  EXPECT_EQ(special("2606:4700::1111"), std::nullopt);
}

TEST(Cidr, ContainsHonoursThePrefix) {
  auto c = parse_cidr("10.0.0.0/8");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->contains(*parse_address("10.255.1.2")));
  EXPECT_FALSE(c->contains(*parse_address("11.0.0.1")));
  EXPECT_FALSE(c->contains(*parse_address("::1")));
  auto odd = parse_cidr("172.16.0.0/12");
  EXPECT_TRUE(odd->contains(*parse_address("172.31.255.255")));
  EXPECT_FALSE(odd->contains(*parse_address("172.32.0.0")));
  EXPECT_EQ(parse_cidr("1.2.3.4")->prefix_len, 32);
  EXPECT_FALSE(parse_cidr("10.0.0.0/33"));
  EXPECT_FALSE(parse_cidr("10.0.0.0/"));
  EXPECT_FALSE(parse_cidr("10.0.0.0/x"));
}

}  // namespace
}  // namespace vg::sandbox::proxy
