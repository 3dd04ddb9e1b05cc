// Path classes (targets.hpp): lexical, one test per family of spellings.
#include <gtest/gtest.h>

#include "risk/targets.hpp"

namespace vg::risk {
namespace {

TargetClass of(const char* p, bool resolved = true) { return classify_target(p, resolved); }

TEST(Targets, RootAndEverythingUnderIt) {
  EXPECT_EQ(of("/"), TargetClass::root);
  EXPECT_EQ(of("/*"), TargetClass::root);
  EXPECT_EQ(of("/usr/.."), TargetClass::root);
}

TEST(Targets, SystemTreesEvenOneFile) {
  EXPECT_EQ(of("/etc"), TargetClass::system);
  EXPECT_EQ(of("/etc/hosts"), TargetClass::system);
  EXPECT_EQ(of("/usr/bin/ls"), TargetClass::system);
  EXPECT_EQ(of("/lib64/ld-linux-x86-64.so.2"), TargetClass::system);
  EXPECT_EQ(of("/var/log/syslog"), TargetClass::system_data);
  EXPECT_EQ(of("/usr/local/bin/tool"), TargetClass::system_data);
}

TEST(Targets, DevicesByKind) {
  EXPECT_EQ(of("/dev/sda"), TargetClass::device_disk);
  EXPECT_EQ(of("/dev/nvme0n1p2"), TargetClass::device_disk);
  EXPECT_EQ(of("/dev/mapper/root"), TargetClass::device_disk);
  EXPECT_EQ(of("/dev/null"), TargetClass::device_harmless);
  EXPECT_EQ(of("/dev/fd/3"), TargetClass::device_harmless);
  EXPECT_EQ(of("/dev/ttyS0"), TargetClass::device);
  EXPECT_EQ(of("/dev/shm/x"), TargetClass::temp);
  EXPECT_EQ(of("/proc/sys/kernel/sysrq"), TargetClass::kernel);
}

TEST(Targets, WholeHomesInEverySpelling) {
  EXPECT_EQ(of("$HOME"), TargetClass::home);
  EXPECT_EQ(of("$HOME/"), TargetClass::home);
  EXPECT_EQ(of("$HOME/*"), TargetClass::home);
  EXPECT_EQ(of("${HOME}"), TargetClass::home);
  EXPECT_EQ(of("/home/alice"), TargetClass::home);
  EXPECT_EQ(of("/home/alice/"), TargetClass::home);
  EXPECT_EQ(of("/home"), TargetClass::home);
  EXPECT_EQ(of("/root"), TargetClass::home);
  EXPECT_EQ(of("~bob"), TargetClass::home);
}

TEST(Targets, HomeSubtreesBySensitivity) {
  EXPECT_EQ(of("$HOME/.ssh/id_ed25519"), TargetClass::home_secret);
  EXPECT_EQ(of("/home/alice/.aws/credentials"), TargetClass::home_secret);
  EXPECT_EQ(of("$HOME/.bashrc"), TargetClass::home_startup);
  EXPECT_EQ(of("/root/.profile"), TargetClass::home_startup);
  EXPECT_EQ(of("$HOME/.cache/pip"), TargetClass::home_cache);
  EXPECT_EQ(of("$HOME/projects/app"), TargetClass::home_other);
  EXPECT_EQ(of("$HOME/.*"), TargetClass::home) << "every dotfile: the home's settings and secrets";
}

TEST(Targets, QuotedTildeIsADirectoryNamedTilde) {
  EXPECT_EQ(of("~"), TargetClass::workspace);
  EXPECT_EQ(of("~/x"), TargetClass::workspace);
}

TEST(Targets, WorkspaceAndItsWhole) {
  EXPECT_EQ(of("build"), TargetClass::workspace);
  EXPECT_EQ(of("./dist/app.js"), TargetClass::workspace);
  EXPECT_EQ(of("*.o"), TargetClass::workspace);
  EXPECT_EQ(of("."), TargetClass::workspace_all);
  EXPECT_EQ(of("*"), TargetClass::workspace_all);
  EXPECT_EQ(of("./*"), TargetClass::workspace_all);
  EXPECT_EQ(of(".."), TargetClass::outside);
  EXPECT_EQ(of("../other"), TargetClass::outside);
}

TEST(Targets, TemporaryRemoteAndUnknown) {
  EXPECT_EQ(of("/tmp/build-123"), TargetClass::temp);
  EXPECT_EQ(of("/tmp"), TargetClass::temp_all);
  EXPECT_EQ(of("/tmp/*"), TargetClass::temp_all);
  EXPECT_EQ(of("https://example.com/x"), TargetClass::remote);
  EXPECT_EQ(classify_target("host:/srv/x", true, true), TargetClass::remote);
  EXPECT_EQ(of("host:/srv/x"), TargetClass::workspace);  // no HOST:PATH syntax outside scp/rsync
  EXPECT_EQ(of("$DIR/x"), TargetClass::unknown);
  EXPECT_EQ(of("x", false), TargetClass::unknown);
  EXPECT_EQ(of("/app"), TargetClass::elsewhere_top);
  EXPECT_EQ(of("/app/build"), TargetClass::elsewhere);
}

}  // namespace
}  // namespace vg::risk
