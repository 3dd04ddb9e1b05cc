#include "config/install_layout.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "config/files.hpp"

namespace vg::config {
namespace {

std::string temp_tree() {
  char tmpl[] = "/tmp/vg-layout-XXXXXX";
  EXPECT_NE(::mkdtemp(tmpl), nullptr);
  return tmpl;
}

TEST(InstallLayout, InstalledBinLooksInLibexecFirst) {
  auto c = helper_candidates("/opt/x/bin", "vg-full");
  ASSERT_GE(c.size(), 2u);
  EXPECT_EQ(c[0], "/opt/x/bin/../libexec/vg/vg-full");
  EXPECT_EQ(c[1], "/opt/x/bin/vg-full");
}

TEST(InstallLayout, BuildTreeIsFoundFromAnyTargetFolder) {
  std::string t = temp_tree();
  ASSERT_TRUE(make_dirs(t + "/tests/microvm").ok());
  std::ofstream(t + "/CMakeCache.txt") << "# test\n";
  EXPECT_EQ(build_tree_of(t + "/vg"), t);
  EXPECT_EQ(build_tree_of(t + "/tests/microvm"), t);
  auto c = helper_candidates(t + "/tests/microvm", "vg-guest");
  EXPECT_EQ(c.back(), t + "/guest/vg-guest");
}

TEST(InstallLayout, InstalledTreeHasNoBuildTree) {
  std::string t = temp_tree();
  ASSERT_TRUE(make_dirs(t + "/bin").ok());
  EXPECT_EQ(build_tree_of(t + "/bin"), "");
  EXPECT_EQ(helper_candidates(t + "/bin", "vg-guest").size(), 2u);
}

TEST(InstallLayout, ExeDirIsThisTestsFolder) {
  std::string dir = exe_dir();
  ASSERT_FALSE(dir.empty());
  EXPECT_EQ(::access((dir + "/vg_config_test").c_str(), X_OK), 0);
}

}  // namespace
}  // namespace vg::config
