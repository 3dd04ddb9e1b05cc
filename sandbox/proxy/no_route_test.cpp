#include "sandbox/proxy/no_route.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

namespace vg::sandbox::proxy {
namespace {

constexpr const char* k_snmp =
    "Ip: Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams InUnknownProtos InDiscards "
    "InDelivers OutRequests OutDiscards OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs ReasmFails FragOKs FragFails "
    "FragCreates OutTransmits\n"
    "Ip: 2 64 10 0 0 0 0 0 10 12 0 5 0 0 0 0 0 0 0 12\n"
    "Icmp: InMsgs InErrors\n"
    "Icmp: 0 0\n";

TEST(NoRoute, CountsIpv4AndIpv6NoRoutes) {
  EXPECT_EQ(parse_no_routes(k_snmp, "Ip6InReceives                   \t3\nIp6OutNoRoutes                  \t2\n"), 7u);
  EXPECT_EQ(parse_no_routes(k_snmp, ""), 5u);  // no IPv6
}

TEST(NoRoute, UnreadableCountersAreUnknown) {
  EXPECT_FALSE(parse_no_routes("", ""));
  EXPECT_FALSE(parse_no_routes("Ip: Forwarding OutNoRoutes\n", ""));            // no value line
  EXPECT_FALSE(parse_no_routes("Ip: Forwarding Other\nIp: 1 2\n", ""));         // no such counter
  EXPECT_FALSE(parse_no_routes("Ip: Forwarding OutNoRoutes\nIp: 1 x\n", ""));   // not a number
}

TEST(NoRoute, NothingQueuedIsUnknown) {
  char dir[] = "/tmp/vg-noroute-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  std::string path = std::string(dir) + "/c.sock";
  auto listener = listen_for_counters(path);
  ASSERT_TRUE(listener.ok()) << listener.error().message;
  EXPECT_FALSE(read_no_routes(listener->get()));
  ::unlink(path.c_str());
  ::rmdir(dir);
}
}  // namespace
}  // namespace vg::sandbox::proxy
