// Each handler of Reader::run_argv alone: given one argv, what it unwraps
// to or what it records (reader_handlers.hpp).
#include <gtest/gtest.h>

#include "risk/reader_args.hpp"
#include "risk/reader_handlers.hpp"

namespace vg::risk::detail {
namespace {

std::vector<Arg> argv(std::initializer_list<const char*> words) {
  std::vector<Arg> out;
  for (const char* w : words) out.push_back(Arg{w, true, Span{}, ""});
  return out;
}

// One handler call on `words` with a fresh reader; `next` is what it unwrapped to.
struct Fixture {
  Limits limits;
  KnownCommand known = [](std::string_view b) { return b == "rm"; };
  Model model;
  Reader reader{limits, known, model};
  Ctx ctx;
  std::vector<Arg> args;
  std::optional<Input> input;

  Step run(Handler h, std::initializer_list<const char*> words, std::vector<std::string>* next = nullptr) {
    args = argv(words);
    Call call{args, texts(args), input, Span{}, ctx, std::string(args[0].text), true, {}, false};
    Step s = h(reader, call);
    if (next) *next = texts(call.next);
    remote = call.remote;
    return s;
  }
  bool remote = false;
};

using Words = std::vector<std::string>;

TEST(Handlers, TableSendsEachFamilyToItsHandler) {
  EXPECT_EQ(handler_for("sudo"), run_wrapper);
  EXPECT_EQ(handler_for("bash"), run_shell);
  EXPECT_EQ(handler_for("python3.12"), run_interpreter);
  EXPECT_EQ(handler_for("xargs"), run_xargs);
  EXPECT_EQ(handler_for("kubectl"), run_container_exec);
  EXPECT_EQ(handler_for("ls"), nullptr);
}

TEST(Handlers, WrapperSkipsItsOwnOptions) {
  Fixture f;
  Words next;
  EXPECT_EQ(f.run(run_wrapper, {"timeout", "-s", "KILL", "10", "rm", "-rf", "x"}, &next), Step::unwrap);
  EXPECT_EQ(next, (Words{"rm", "-rf", "x"}));
  EXPECT_EQ(f.run(run_wrapper, {"command", "-v", "rm"}, &next), Step::done);  // a lookup, runs nothing
  EXPECT_EQ(f.run(run_wrapper, {"sudo", "-l"}, &next), Step::done);
}

TEST(Handlers, EnvSplitsDashSAndSkipsAssignments) {
  Fixture f;
  Words next;
  EXPECT_EQ(f.run(run_env, {"env", "-i", "A=1", "-u", "B", "ls", "-l"}, &next), Step::unwrap);
  EXPECT_EQ(next, (Words{"ls", "-l"}));
  f.run(run_env, {"env", "-S", "rm -rf x", "y"}, &next);
  EXPECT_EQ(next, (Words{"rm", "-rf", "x", "y"}));
}

TEST(Handlers, XargsAppendsOrReplacesItsInput) {
  Fixture f;
  Words next;
  f.input = Input{"a b\n", true, "echo a b"};
  f.run(run_xargs, {"xargs", "-n1", "rm"}, &next);
  EXPECT_EQ(next, (Words{"rm", "a", "b"}));
  f.run(run_xargs, {"xargs", "-I", "%", "mv", "%", "dst"}, &next);
  EXPECT_EQ(next, (Words{"mv", "a", "dst"}));
  f.input.reset();
  f.run(run_xargs, {"parallel", "gzip", ":::", "x", "y"}, &next);
  EXPECT_EQ(next, (Words{"gzip", "x", "y"}));
}

TEST(Handlers, WatchRunsAScriptOrAnArgv) {
  Fixture f;
  Words next;
  EXPECT_EQ(f.run(run_watch, {"watch", "-n", "1", "-x", "ls", "/"}, &next), Step::unwrap);
  EXPECT_EQ(next, (Words{"ls", "/"}));
  EXPECT_EQ(f.run(run_watch, {"watch", "-n", "1", "ls -la"}, &next), Step::done);
  ASSERT_FALSE(f.model.commands.empty());
  EXPECT_EQ(f.model.commands.back().argv, (Words{"ls", "-la"}));
}

TEST(Handlers, FindRecordsEachExecWithTheStartPath) {
  Fixture f;
  EXPECT_EQ(f.run(run_find, {"find", "/srv", "-name", "x", "-exec", "rm", "{}", ";"}), Step::done);
  ASSERT_EQ(f.model.commands.size(), 1u);
  EXPECT_EQ(f.model.commands[0].argv, (Words{"rm", "/srv/*"}));
}

TEST(Handlers, SshRunsItsCommandRemotely) {
  Fixture f;
  f.run(run_ssh, {"ssh", "-p", "22", "host", "ls", "/"});
  ASSERT_EQ(f.model.commands.size(), 1u);
  EXPECT_EQ(f.model.commands[0].argv, (Words{"ls", "/"}));
  EXPECT_NE(f.model.commands[0].context & k_remote, 0u);
}

TEST(Handlers, ContainerExecUnwrapsOnlyExec) {
  Fixture f;
  Words next;
  EXPECT_EQ(f.run(run_container_exec, {"kubectl", "exec", "pod", "--", "ls"}, &next), Step::unwrap);
  EXPECT_EQ(next, (Words{"ls"}));
  EXPECT_TRUE(f.remote);
  EXPECT_EQ(f.run(run_container_exec, {"docker", "ps"}, &next), Step::done);
}

TEST(Handlers, UnknownProgramIsSearchedForAKnownOne) {
  Fixture f;
  f.run(run_unknown, {"mywrap", "--fast", "rm", "-rf", "x"});
  ASSERT_EQ(f.model.commands.size(), 1u);
  EXPECT_EQ(f.model.commands[0].argv, (Words{"rm", "-rf", "x"}));
}

TEST(Handlers, ShellScriptIsReadWithItsArguments) {
  Fixture f;
  f.run(run_shell, {"bash", "-c", "rm \"$1\"", "name", "file"});
  ASSERT_EQ(f.model.commands.size(), 1u);
  EXPECT_EQ(f.model.commands[0].argv, (Words{"rm", "file"}));
}

TEST(Handlers, InterpreterCodeIsKeptAndNotUnderstood) {
  Fixture f;
  f.run(run_interpreter, {"python3", "-c", "print(1)"});
  ASSERT_EQ(f.model.code.size(), 1u);
  EXPECT_EQ(f.model.code[0].text, "print(1)");
  EXPECT_FALSE(f.model.understood);
}

TEST(Handlers, CdMovesTheReadersDirectory) {
  Fixture f;
  f.reader.m_cwd = "/w";
  f.run(run_cd, {"cd", "src"});
  EXPECT_EQ(f.reader.m_cwd, std::optional<std::string>("/w/src"));
  f.run(run_cd, {"cd", "-"});
  EXPECT_FALSE(f.reader.m_cwd);
}

TEST(Handlers, SetReplacesPositionalParameters) {
  Fixture f;
  f.run(run_set, {"set", "-e", "--", "a", "b"});
  EXPECT_EQ(f.reader.m_positional, std::optional<Words>(Words{"a", "b"}));
}

}  // namespace
}  // namespace vg::risk::detail

namespace vg::risk::detail {
namespace {

TEST(Handlers, RunnersAreUnwrappedByTheReader) {
  Limits limits;
  KnownCommand known = [](std::string_view) { return false; };
  Model model = read_script("npx --yes prisma migrate reset --force; python3 -m pip install x", limits, known);
  std::vector<std::string> names;
  for (const auto& c : model.commands) names.push_back(c.argv[0]);
  EXPECT_EQ(names, (std::vector<std::string>{"npx", "prisma", "python3", "pip"}));
}

}  // namespace
}  // namespace vg::risk::detail
