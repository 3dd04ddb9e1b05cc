#include "sandbox/policy/protect.hpp"

#include <gtest/gtest.h>

namespace vg::sandbox::policy {
namespace {

bool says(const std::vector<std::string>& lines, const std::string& text) {
  for (const auto& l : lines) {
    if (l.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(Protect, GitSettingsThatRunCommandsAreNamedWithWhatTheyRun) {
  auto found = git_config_commands(
      "[core]\n\tfsmonitor = \"touch /tmp/x\"\n\thooksPath = /tmp/h\n\tpager = less -R\n"
      "[alias]\n\tst = status\n\tboom = !sh -c evil\n"
      "[filter \"lfs\"]\n\tsmudge = evil-smudge %f\n"
      "[includeIf \"gitdir:~/\"]\n\tpath = /tmp/other.cfg\n"
      "[remote \"origin\"]\n\turl = https://example.org/r.git\n\tuploadpack = evil-pack\n"
      "[credential]\n\thelper = !evil-helper\n"
      "[core] sshCommand = ssh -oProxyCommand=evil\n");
  EXPECT_TRUE(says(found, "core.fsmonitor would run 'touch /tmp/x' on your next git command"));
  EXPECT_TRUE(says(found, "core.hooksPath would make git run hooks from '/tmp/h'"));
  EXPECT_TRUE(says(found, "core.pager would run 'less -R'"));
  EXPECT_TRUE(says(found, "alias.boom would run '!sh -c evil'"));
  EXPECT_FALSE(says(found, "alias.st"));
  EXPECT_TRUE(says(found, "filter.lfs.smudge would run"));
  EXPECT_TRUE(says(found, "would make git read configuration from '/tmp/other.cfg'"));
  EXPECT_TRUE(says(found, "remote.origin.uploadpack would run 'evil-pack'"));
  EXPECT_FALSE(says(found, "remote.origin.url"));
  EXPECT_TRUE(says(found, "credential.helper would run"));
  EXPECT_TRUE(says(found, "core.sshcommand would run"));
}

TEST(Protect, OrdinarySettingsRunNothing) {
  EXPECT_TRUE(git_config_commands("[user]\n\tname = A\n\temail = a@b\n[core]\n\tfsmonitor = true\n\tbare = false\n"
                                  "[branch \"main\"]\n\tremote = origin\n")
                  .empty());
}

}  // namespace
}  // namespace vg::sandbox::policy
