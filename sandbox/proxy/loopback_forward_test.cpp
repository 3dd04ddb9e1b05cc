#include "sandbox/proxy/loopback_forward.hpp"

#include <gtest/gtest.h>

namespace vg::sandbox::proxy {
namespace {

std::string show(const std::vector<LoopbackForward>& fs) {
  std::string out;
  for (const auto& f : fs) out += f.address + " " + std::to_string(f.port) + " -> " + f.target + "\n";
  return out;
}

TEST(LoopbackForward, EachLoopbackHostWithAPortAsWritten) {
  EXPECT_EQ(show(loopback_forwards({"127.0.0.1:18781", "localhost:5432", "[::1]:8080", "127.0.0.2:80"}, 3128)),
            "127.0.0.1 18781 -> 127.0.0.1:18781\n"
            "127.0.0.1 5432 -> localhost:5432\n"
            "::1 5432 -> localhost:5432\n"
            "::1 8080 -> [::1]:8080\n"
            "127.0.0.2 80 -> 127.0.0.2:80\n");
}

TEST(LoopbackForward, NothingElse) {
  // No port: not one port to listen on (NO_PROXY leaves the host out instead).
  // Other hosts, ranges, wildcards: the proxy variables reach them.
  EXPECT_EQ(show(loopback_forwards({"127.0.0.1", "localhost", "example.org:443", "10.0.0.1:22", "*:80",
                                    "127.0.0.0/8", "not an entry"}, 3128)), "");
}

TEST(LoopbackForward, TheBridgesOwnPortAndRepeatsAreLeftOut) {
  EXPECT_EQ(show(loopback_forwards({"127.0.0.1:3128", "127.0.0.1:9000", "127.0.0.1:9000"}, 3128)),
            "127.0.0.1 9000 -> 127.0.0.1:9000\n");
}

}  // namespace
}  // namespace vg::sandbox::proxy
