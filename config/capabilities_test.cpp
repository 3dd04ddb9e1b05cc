// sandbox.isolation.capabilities: names checked against the kernel's list,
// dangerous ones refused, errors at file:line:column.
#include "config/capabilities.hpp"

#include <gtest/gtest.h>

#include "config/load.hpp"
#include "config/test_dir.hpp"

namespace vg::config {
namespace {

TEST(Capabilities, NamesWithOrWithoutPrefixInAnyCase) {
  for (const char* name : {"NET_BIND_SERVICE", "CAP_NET_BIND_SERVICE", "cap_net_bind_service", "net_bind_service"}) {
    CapabilityCheck c = check_capability(name);
    EXPECT_EQ(c.error, "") << name;
    EXPECT_EQ(c.number, 10) << name;
    EXPECT_EQ(c.canonical, "CAP_NET_BIND_SERVICE") << name;
  }
  EXPECT_EQ(capability_number("CHOWN"), 0);
  EXPECT_EQ(capability_number("CAP_CHECKPOINT_RESTORE"), 40);
  EXPECT_EQ(capability_number("SYS_ADMIN"), 21);
  EXPECT_EQ(capability_number("NOPE"), -1);
}

TEST(Capabilities, UnknownNameGetsDidYouMean) {
  CapabilityCheck c = check_capability("NET_BIND_SERVCE");
  EXPECT_EQ(c.number, -1);
  EXPECT_EQ(c.error, "unknown capability 'NET_BIND_SERVCE'; did you mean 'NET_BIND_SERVICE'?");
  EXPECT_NE(check_capability("").error, "");
  EXPECT_NE(check_capability("CAP_").error, "");
}

TEST(Capabilities, DangerousOnesAreRefused) {
  for (const char* name : {"SYS_ADMIN", "SYS_MODULE", "SYS_PTRACE", "SYS_RAWIO", "SYS_BOOT", "MAC_ADMIN",
                           "MAC_OVERRIDE", "BPF", "PERFMON", "DAC_READ_SEARCH", "SETFCAP", "SETPCAP"}) {
    CapabilityCheck c = check_capability(name);
    EXPECT_EQ(c.number, -1) << name;
    EXPECT_NE(c.error.find("may not be kept in the sandbox"), std::string::npos) << c.error;
  }
  EXPECT_EQ(check_capability("cap_sys_admin").error.rfind("CAP_SYS_ADMIN may not be kept", 0), 0u);
}

class CapabilityConfig : public testing::TempDirTest {
 protected:
  Result<Config> load_with(const std::string& list) {
    write(user_file(), "sandbox:\n  isolation:\n    user: nobody\n    capabilities: " + list + "\n");
    return load(options());
  }
};

TEST_F(CapabilityConfig, AcceptedNamesAreKeptCanonical) {
  auto r = load_with("[NET_BIND_SERVICE, cap_net_raw]");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->sandbox.isolation.capabilities, (std::vector<std::string>{"CAP_NET_BIND_SERVICE", "CAP_NET_RAW"}));
}

TEST_F(CapabilityConfig, SysAdminIsAConfigErrorNamingTheKeyAndPlace) {
  auto r = load_with("[NET_RAW, SYS_ADMIN]");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, user_file() + ":4:29: sandbox.isolation.capabilities: CAP_SYS_ADMIN may not be kept "
                                             "in the sandbox: it allows mount, namespaces and much more, which would "
                                             "undo the sandbox; remove it");
}

TEST_F(CapabilityConfig, MisspeltNameIsAConfigErrorWithDidYouMean) {
  auto r = load_with("\n      - NET_BIND_SERVCE");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, user_file() + ":5:9: sandbox.isolation.capabilities: unknown capability "
                                             "'NET_BIND_SERVCE'; did you mean 'NET_BIND_SERVICE'?");
}

TEST_F(CapabilityConfig, FromTheEnvironmentListToo) {
  auto o = options();
  write(user_file(), "sandbox:\n  mode: always\n");
  o.flags.emplace_back("sandbox.isolation.capabilities", "NET_BIND_SERVICE,SYS_MODULE");
  auto r = load(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("CAP_SYS_MODULE may not be kept"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace vg::config
