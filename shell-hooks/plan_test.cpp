#include "shell-hooks/plan.hpp"

#include <gtest/gtest.h>

#include "shell-hooks/lexical.hpp"

namespace vg::hooks {
namespace {

// A command whose word is the first occurrence of `word` at or after `from`
// and whose simple command runs to `end_text` (or the end of the line).
Command cmd(std::string_view line, std::string name, std::string_view word, std::size_t from = 0,
            std::size_t command_end = std::string::npos) {
  Command c;
  c.begin = line.find(word, from);
  EXPECT_NE(c.begin, std::string_view::npos) << word;
  c.end = c.begin + word.size();
  c.command_begin = c.begin;
  c.command_end = command_end == std::string::npos ? line.size() : command_end;
  c.name = std::move(name);
  return c;
}

PlanInput input(std::string_view line) {
  PlanInput in;
  in.line = line;
  in.shell_names = {"cd", "export", "echo", "eval", "source", "command", "nvm", "for", "do", "done", "ll"};
  return in;
}

TEST(Lexical, QuotesAndSubstitutionsAreClassified) {
  std::string_view line = R"(echo 'a b' "c $(ls) d" `pwd` # x)";
  auto lex = classify(line);
  EXPECT_EQ(lex[line.find("echo")], Lex::code);
  EXPECT_EQ(lex[line.find("a b")], Lex::string);
  EXPECT_EQ(lex[line.find("c ")], Lex::string);
  EXPECT_EQ(lex[line.find("ls")], Lex::code);
  EXPECT_EQ(lex[line.find(" d")], Lex::string);
  EXPECT_EQ(lex[line.find("pwd")], Lex::code);
  EXPECT_EQ(lex[line.find("x")], Lex::string);
}

TEST(Lexical, HeredocBodyIsString) {
  std::string_view line = "cat <<'EOF' | grep a\nls here\nEOF\nmake";
  auto lex = classify(line);
  EXPECT_EQ(lex[line.find("grep")], Lex::code);
  EXPECT_EQ(lex[line.find("ls here")], Lex::string);
  EXPECT_EQ(lex[line.find("make")], Lex::code);
}

TEST(Lexical, NestedParensInSubstitution) {
  std::string_view line = "x=$(case a in (a) echo;; esac; date) && uname";
  auto lex = classify(line);
  EXPECT_EQ(lex[line.find("date")], Lex::code);
  EXPECT_EQ(lex[line.find("uname")], Lex::code);
}

TEST(Lexical, PreviousWord) {
  std::string_view line = "command ls; x | command  grep";
  EXPECT_EQ(previous_word(line, line.find("ls")), "command");
  EXPECT_EQ(previous_word(line, line.find("grep")), "command");
  EXPECT_EQ(previous_word(line, 0), "");
}

TEST(Plan, BuiltinsOnlyRunNatively) {
  std::string line = "cd /tmp && export A=1";
  auto in = input(line);
  in.commands = {cmd(line, "cd", "cd"), cmd(line, "export", "export")};
  auto plan = make_plan(in);
  EXPECT_EQ(plan.verdict, Verdict::native);
  EXPECT_EQ(plan.text, "");
}

TEST(Plan, OnlyExternalWordsAreWrapped) {
  std::string line = "cd src && FOO=1 make -j2 | grep err; nvm use 18";
  auto in = input(line);
  in.commands = {cmd(line, "cd", "cd"), cmd(line, "make", "make"), cmd(line, "grep", "grep"),
                 cmd(line, "nvm", "nvm")};
  auto plan = make_plan(in);
  EXPECT_EQ(plan.verdict, Verdict::wrap);
  EXPECT_EQ(plan.text, "cd src && FOO=1 vg exec -- make -j2 | vg exec -- grep err; nvm use 18");
}

TEST(Plan, SandboxRouteForcesTheSandbox) {
  std::string line = "curl -s x | sh";
  auto in = input(line);
  in.route = LineRoute::sandbox;
  in.sandbox_flag = true;
  in.commands = {cmd(line, "curl", "curl", 0, 9), cmd(line, "sh", "sh", 10)};
  in.findings = {{"net.pipe_to_shell", 0, line.size()}};
  auto plan = make_plan(in);
  EXPECT_EQ(plan.verdict, Verdict::wrap);
  EXPECT_EQ(plan.text, "vg exec --sandbox -- curl -s x | vg exec --sandbox -- sh");
}

TEST(Plan, RefusedRouteRefusesTheWholeLine) {
  std::string line = "touch a; rm -rf /";
  auto in = input(line);
  in.route = LineRoute::refuse;
  in.route_reason = "critical: fs.wipe.root";
  in.commands = {cmd(line, "touch", "touch"), cmd(line, "rm", "rm")};
  auto plan = make_plan(in);
  EXPECT_EQ(plan.verdict, Verdict::refuse);
  EXPECT_EQ(plan.reason, "critical: fs.wipe.root");
}

TEST(Plan, SubstitutionsInsideWrappedCommandsAreWrappedToo) {
  std::string line = "ls $(cat list)";
  auto in = input(line);
  in.commands = {cmd(line, "ls", "ls"), cmd(line, "cat", "cat")};
  in.commands[1].command_end = line.size() - 1;
  EXPECT_EQ(make_plan(in).text, "vg exec -- ls $(vg exec -- cat list)");
}

TEST(Plan, NestedShellStringsAreCoveredByTheOuterWrap) {
  std::string line = "bash -c 'ls -l'";
  auto in = input(line);
  in.commands = {cmd(line, "bash", "bash"), cmd(line, "ls", "ls")};
  EXPECT_EQ(make_plan(in).text, "vg exec -- bash -c 'ls -l'");
}

TEST(Plan, EvalOfAStringInTheSandboxRouteIsRefused) {
  std::string line = "eval 'ls -l'";
  auto in = input(line);
  in.route = LineRoute::sandbox;
  in.commands = {cmd(line, "eval", "eval"), cmd(line, "ls", "ls")};
  auto plan = make_plan(in);
  EXPECT_EQ(plan.verdict, Verdict::refuse);
  EXPECT_NE(plan.reason.find("vg exec --shell 'eval '\\''ls -l'\\'''"), std::string::npos) << plan.reason;
}

TEST(Plan, EvalOfAStringOnTheHostRouteRunsNatively) {
  std::string line = "eval 'ls -l'";
  auto in = input(line);
  in.commands = {cmd(line, "eval", "eval"), cmd(line, "ls", "ls")};
  EXPECT_EQ(make_plan(in).verdict, Verdict::native);
}

TEST(Plan, RiskyBuiltinInTheSandboxRouteIsRefused) {
  std::string line = "echo x >> ~/.bashrc";
  auto in = input(line);
  in.route = LineRoute::sandbox;
  in.commands = {cmd(line, "echo", "echo")};
  in.findings = {{"persist.rc", 0, line.size()}};
  auto plan = make_plan(in);
  EXPECT_EQ(plan.verdict, Verdict::refuse);
  EXPECT_NE(plan.reason.find("persist.rc"), std::string::npos);
}

TEST(Plan, BackslashAndCommandBypassWhenAllowed) {
  std::string line = "\\ls; command grep x f";
  auto in = input(line);
  in.commands = {cmd(line, "ls", "\\ls"), cmd(line, "grep", "grep")};
  EXPECT_EQ(make_plan(in).verdict, Verdict::native);
  in.bypass = Bypass::denied;
  auto plan = make_plan(in);
  EXPECT_EQ(plan.text, "vg exec -- \\ls; command vg exec -- grep x f");
  EXPECT_EQ(plan.notes.size(), 2u);
}

TEST(Plan, TypedVgLinesAreNotWrappedAgain) {
  std::string line = "vg exec -- sh -c 'make'";
  auto in = input(line);
  in.commands = {cmd(line, "vg", "vg"), cmd(line, "make", "make")};
  EXPECT_EQ(make_plan(in).verdict, Verdict::native);
}

TEST(Plan, AskKeepsTheRewrittenLine) {
  std::string line = "git push --force";
  auto in = input(line);
  in.route = LineRoute::ask;
  in.route_reason = "high: vcs.force_push";
  in.commands = {cmd(line, "git", "git")};
  auto plan = make_plan(in);
  EXPECT_EQ(plan.verdict, Verdict::ask);
  EXPECT_EQ(plan.text, "vg exec -- git push --force");
}

TEST(Plan, DynamicCommandWordsAreWrapped) {
  std::string line = "$EDITOR notes.txt";
  auto in = input(line);
  in.commands = {cmd(line, "$EDITOR", "$EDITOR")};
  EXPECT_EQ(make_plan(in).text, "vg exec -- $EDITOR notes.txt");
}

TEST(Plan, SpansThatDoNotHoldTheWordAreNeverEdited) {
  std::string line = "echo hi";
  auto in = input(line);
  Command bogus = cmd(line, "ls", "hi");
  in.commands = {cmd(line, "echo", "echo"), bogus};
  in.route = LineRoute::sandbox;
  EXPECT_EQ(make_plan(in).verdict, Verdict::refuse);
}

TEST(Plan, MultiByteTextKeepsByteOffsets) {
  std::string line = "echo 'héllo' && wc -c";
  auto in = input(line);
  in.commands = {cmd(line, "echo", "echo"), cmd(line, "wc", "wc")};
  EXPECT_EQ(make_plan(in).text, "echo 'héllo' && vg exec -- wc -c");
}

TEST(Plan, FishPrefixesAreBlankedInCommandPosition) {
  EXPECT_EQ(blank_fish_prefixes("touch a; and env | not grep x; or begin; echo and; end"),
            "touch a;     env |     grep x;    begin; echo and; end");
  EXPECT_EQ(blank_fish_prefixes("echo 'and x'; and  ls"), "echo 'and x';      ls");
}

TEST(Plan, RefusedFunctionBodyRefusesTheLine) {
  std::string line = "cd /tmp && cleanup";
  auto in = input(line);
  in.shell_names.insert("cleanup");
  in.commands = {cmd(line, "cd", "cd"), cmd(line, "cleanup", "cleanup")};
  in.bodies = {{"cleanup", LineRoute::refuse, "critical: fs.mkfs"}};
  auto plan = make_plan(in);
  EXPECT_EQ(plan.verdict, Verdict::refuse);
  EXPECT_NE(plan.reason.find("function 'cleanup'"), std::string::npos);
  EXPECT_NE(plan.reason.find("fs.mkfs"), std::string::npos);
}

TEST(Plan, SandboxedFunctionBodyIsRefusedBecauseItRunsInTheShell) {
  std::string line = "fetch";
  auto in = input(line);
  in.shell_names.insert("fetch");
  in.commands = {cmd(line, "fetch", "fetch")};
  in.bodies = {{"fetch", LineRoute::sandbox, "medium: net.download"}};
  EXPECT_EQ(make_plan(in).verdict, Verdict::refuse);
}

TEST(Plan, AskingFunctionBodyAsksForTheLine) {
  std::string line = "deploy && ls";
  auto in = input(line);
  in.shell_names.insert("deploy");
  in.commands = {cmd(line, "deploy", "deploy"), cmd(line, "ls", "ls")};
  in.bodies = {{"deploy", LineRoute::ask, "high: vcs.force_push"}, {"other", LineRoute::host, ""}};
  auto plan = make_plan(in);
  EXPECT_EQ(plan.verdict, Verdict::ask);
  EXPECT_NE(plan.reason.find("function 'deploy': high: vcs.force_push"), std::string::npos);
  EXPECT_EQ(plan.text, "deploy && vg exec -- ls");
}

TEST(Plan, SafeFunctionBodiesRunNatively) {
  std::string line = "mkcd build";
  auto in = input(line);
  in.shell_names.insert("mkcd");
  in.commands = {cmd(line, "mkcd", "mkcd")};
  in.bodies = {{"mkcd", LineRoute::host, "low risk"}};
  EXPECT_EQ(make_plan(in).verdict, Verdict::native);
}

TEST(Plan, AliasesLeftInARewriteAreEscaped) {
  // `alias cd='cd -P'` expanded once: the shell must not expand it again.
  std::string line = "cd -P src && make";
  auto in = input(line);
  in.alias_names = {"cd"};
  in.commands = {cmd(line, "cd", "cd"), cmd(line, "make", "make")};
  EXPECT_EQ(make_plan(in).text, "\\cd -P src && vg exec -- make");
  std::string native = "cd -P src";
  auto in2 = input(native);
  in2.alias_names = {"cd"};
  in2.commands = {cmd(native, "cd", "cd")};
  EXPECT_EQ(make_plan(in2).verdict, Verdict::native);
}

TEST(Plan, NamesParse) {
  auto names = parse_names("cd\nls\r\n\n  \nfoo bar\n");
  EXPECT_EQ(names.count("cd"), 1u);
  EXPECT_EQ(names.count("ls"), 1u);
  EXPECT_EQ(names.count("foo bar"), 1u);
  EXPECT_EQ(names.size(), 3u);
}

}  // namespace
}  // namespace vg::hooks
