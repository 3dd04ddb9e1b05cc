#include "sandbox/proxy/no_proxy.hpp"

#include <gtest/gtest.h>

namespace vg::sandbox::proxy {
namespace {

TEST(NoProxy, TheSandboxsOwnLoopbackByDefault) {
  EXPECT_EQ(no_proxy_list({}), "localhost,127.0.0.1,::1");
  EXPECT_EQ(no_proxy_list({"registry.npmjs.org", "*.github.com:443", "10.0.0.0/8"}), "localhost,127.0.0.1,::1");
}

TEST(NoProxy, AnAllowListedLoopbackHostWithoutAPortGoesThroughTheProxy) {
  EXPECT_EQ(no_proxy_list({"127.0.0.1"}), "localhost,::1");
  EXPECT_EQ(no_proxy_list({"LocalHost."}), "127.0.0.1,::1");
  EXPECT_EQ(no_proxy_list({"::1"}), "localhost,127.0.0.1");
  EXPECT_EQ(no_proxy_list({"[::1]"}), "localhost,127.0.0.1");
  EXPECT_EQ(no_proxy_list({"localhost", "127.0.0.1", "::1"}), "");
}

TEST(NoProxy, OneWithAPortIsForwardedAndStaysDirect) {
  EXPECT_EQ(no_proxy_list({"127.0.0.1:18781", "localhost:5432", "[::1]:8080"}), "localhost,127.0.0.1,::1");
}

TEST(NoProxy, ARangeCoveringLoopbackCounts) {
  EXPECT_EQ(no_proxy_list({"127.0.0.0/8"}), "localhost,::1");
  EXPECT_EQ(no_proxy_list({"::/0"}), "localhost,127.0.0.1");
  EXPECT_EQ(no_proxy_list({"10.0.0.0/8", "128.0.0.0/1"}), "localhost,127.0.0.1,::1");
}

TEST(NoProxy, WildcardsAndOtherLoopbackAddressesLeaveItAlone) {
  // "*" lets any name through, but the user named no loopback host.
  EXPECT_EQ(no_proxy_list({"*", "*.localhost"}), "localhost,127.0.0.1,::1");
  // 127.0.0.2 is not in the list anyway: clients send it to the proxy.
  EXPECT_EQ(no_proxy_list({"127.0.0.2:80"}), "localhost,127.0.0.1,::1");
  EXPECT_EQ(no_proxy_list({"not an entry"}), "localhost,127.0.0.1,::1");
}

}  // namespace
}  // namespace vg::sandbox::proxy
