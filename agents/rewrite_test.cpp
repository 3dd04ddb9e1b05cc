#include "agents/rewrite.hpp"

#include <gtest/gtest.h>

namespace vg::agents {
namespace {

TEST(Rewrite, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(shell_quote("/usr/bin/vg"), "/usr/bin/vg");
  EXPECT_EQ(shell_quote("/opt/my tools/vg"), "'/opt/my tools/vg'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(""), "''");
}

TEST(Rewrite, TheSandboxCommandIsRecognisedExactlyAndOnlyExactly) {
  for (std::string original : {"ls", "echo 'a b' \"$HOME\"; rm -f x", "it's", "", "a\nb", "'''"}) {
    std::string wrapped = sandbox_command("/usr/bin/vg", original);
    std::string inner;
    ASSERT_TRUE(is_sandbox_command("/usr/bin/vg", wrapped, &inner)) << wrapped;
    EXPECT_EQ(inner, original);
    EXPECT_FALSE(is_sandbox_command("/usr/bin/vg", wrapped + "; id"));
    EXPECT_FALSE(is_sandbox_command("/usr/bin/vg", wrapped + " x"));
    EXPECT_FALSE(is_sandbox_command("/usr/bin/vg", " " + wrapped));
    EXPECT_FALSE(is_sandbox_command("/tmp/vg", wrapped)) << "another vg is another program";
  }
  EXPECT_EQ(sandbox_command("/usr/bin/vg", "ls"), "/usr/bin/vg exec --sandbox -- bash -c 'ls'");
  // Quoting that a shell reads the same but vg did not write is not recognised.
  EXPECT_FALSE(is_sandbox_command("/usr/bin/vg", "/usr/bin/vg exec --sandbox -- bash -c ls"));
  EXPECT_FALSE(is_sandbox_command("/usr/bin/vg", "/usr/bin/vg exec --sandbox -- bash -c 'ls' 'x'"));
  EXPECT_FALSE(is_sandbox_command("/usr/bin/vg", "/usr/bin/vg exec --sandbox -- bash -c 'ls'$(id)"));
}

}  // namespace
}  // namespace vg::agents
