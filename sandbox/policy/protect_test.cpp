#include "sandbox/policy/protect.hpp"

#include <gtest/gtest.h>

#include "sandbox/policy/git_rules.hpp"

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
  // Any alias: one without '!' can still set a command through `-c`.
  EXPECT_TRUE(says(found, "alias.st"));
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

TEST(Protect, SettingsNotKnownToBeInertAreRefused) {
  // Found by an adversarial pass: each ran a command on a later host git.
  for (const char* text : {"[remote \"origin\"]\n\turl = ext::sh -c touch% /tmp/x\n",
                           "[remote \"o\"]\n\tpushurl = fd::7\n",
                           "[protocol \"ext\"]\n\tallow = always\n",
                           "[gpg]\n\tformat = ssh\n[gpg \"ssh\"]\n\tdefaultKeyCommand = touch /tmp/x\n",
                           "[commit]\n\tgpgSign = true\n",
                           "[difftool \"x\"]\n\tcmd = touch /tmp/x\n",
                           "[submodule \"m\"]\n\tupdate = !touch /tmp/x\n",
                           "[url \"ext::sh -c evil\"]\n\tinsteadOf = https://\n",
                           "[sendemail]\n\tsendmailCmd = evil\n",
                           "[http]\n\tsslKeyLogFile = /tmp/keys\n",
                           "[trace2]\n\teventTarget = /tmp/t\n",
                           "[hook \"x\"]\n\tcommand = evil\n"}) {
    EXPECT_FALSE(git_config_commands(text).empty()) << text;
  }
  // What git init, clone, remote add and branch tracking write stays allowed.
  EXPECT_TRUE(git_config_commands("[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n"
                                  "\tlogallrefupdates = true\n[remote \"origin\"]\n"
                                  "\turl = https://github.com/a/b.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n"
                                  "[branch \"main\"]\n\tremote = origin\n\tmerge = refs/heads/main\n"
                                  "[submodule \"lib\"]\n\turl = git@github.com:a/lib.git\n\tactive = true\n"
                                  "\tupdate = rebase\n[user]\n\temail = a@b\n")
                  .empty());
}

TEST(Protect, InsideAGitDirectoryOnlyWhatGitKeepsAsDataMayChange) {
  for (const char* inner : {"objects/ab/cdef", "refs/heads/main", "logs/HEAD", "HEAD", "index", "packed-refs",
                            "COMMIT_EDITMSG", "info/exclude", "hooks/pre-commit.sample", "modules/lib/HEAD",
                            "modules/libs/deep/objects/pack/p.pack", "worktrees/wt/HEAD", "index.lock", "config"}) {
    EXPECT_EQ(git_internal_verdict(inner, ""), "") << inner;
  }
  EXPECT_EQ(git_internal_verdict("worktrees/wt/commondir", "../..\n"), "");
  for (const char* inner : {"commondir", "hooks/pre-commit", "info/attributes", "modules/lib/hooks/post-checkout",
                            "modules/lib/commondir", "worktrees/wt/hooks/x", "objects.evil", "FOO"}) {
    EXPECT_NE(git_internal_verdict(inner, "../lib/evil\n"), "") << inner;
  }
}

}  // namespace
}  // namespace vg::sandbox::policy
