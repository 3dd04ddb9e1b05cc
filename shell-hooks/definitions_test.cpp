#include "shell-hooks/definitions.hpp"

#include <gtest/gtest.h>

using namespace std::string_literals;

namespace vg::hooks {
namespace {

// A command whose word is the first occurrence of `word` at or after `from`.
Command word_at(std::string_view line, std::string_view word, std::size_t from = 0) {
  Command c;
  c.begin = line.find(word, from);
  EXPECT_NE(c.begin, std::string_view::npos) << word;
  c.end = c.begin + word.size();
  c.command_begin = c.begin;
  c.command_end = line.size();
  c.name = std::string(word);
  return c;
}

TEST(HookInput, NamesOnly) {
  auto in = parse_hook_input("cd\nexport\n");
  EXPECT_EQ(in.names.size(), 2u);
  EXPECT_TRUE(in.definitions.aliases.empty());
}

TEST(HookInput, NamesThenRecords) {
  auto in = parse_hook_input("cd\nf\n\0alias\0ll\0ls -l\0function\0f\0f () \n{ \n    rm -rf ./x\n}\0"s);
  EXPECT_EQ(in.names.count("cd"), 1u);
  EXPECT_EQ(in.names.count("f"), 1u);
  ASSERT_EQ(in.definitions.aliases.count("ll"), 1u);
  EXPECT_EQ(in.definitions.aliases.at("ll"), "ls -l");
  ASSERT_EQ(in.definitions.functions.count("f"), 1u);
  EXPECT_NE(in.definitions.functions.at("f").find("rm -rf ./x"), std::string::npos);
}

TEST(HookInput, TruncatedAndUnknownRecordsAreSkipped) {
  auto in = parse_hook_input("cd\n\0widget\0w\0x\0alias\0ll\0"s);
  EXPECT_TRUE(in.definitions.aliases.empty());
  EXPECT_TRUE(in.definitions.functions.empty());
  EXPECT_EQ(in.names.count("cd"), 1u);
}

TEST(FunctionBody, BashDeclareF) {
  EXPECT_EQ(function_body(Shell::bash, "f () \n{ \n    mkfs.ext4 /dev/x;\n    echo done\n}\n"),
            "    mkfs.ext4 /dev/x;\n    echo done\n");
}

TEST(FunctionBody, FishFunctions) {
  EXPECT_EQ(function_body(Shell::fish, "# Defined in - @ line 1\nfunction f --description 'x'\n    mkfs.ext4 /dev/x\nend\n"),
            "    mkfs.ext4 /dev/x\n");
}

TEST(FunctionBody, ZshIsTheBodyAlready) {
  EXPECT_EQ(function_body(Shell::zsh, "\tmkfs.ext4 /dev/x"), "\tmkfs.ext4 /dev/x");
}

TEST(FunctionBody, UnknownShapeIsKeptWhole) {
  EXPECT_EQ(function_body(Shell::bash, "rm -rf ./x"), "rm -rf ./x");
}

TEST(ExpandAliases, CommandWordsAreReplaced) {
  std::string line = "x && echo x; ll";
  std::map<std::string, std::string> aliases{{"x", "rm -rf ./t"}, {"ll", "ls -l"}};
  std::set<std::string> done;
  auto out = expand_aliases(line, {word_at(line, "x"), word_at(line, "echo"), word_at(line, "ll")}, aliases, done);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "rm -rf ./t && echo x; ls -l");
  EXPECT_EQ(done, (std::set<std::string>{"x", "ll"}));
}

TEST(ExpandAliases, QuotedOrEscapedWordsAreNotAliases) {
  std::string line = "\\x; 'x'";
  std::map<std::string, std::string> aliases{{"x", "rm -rf ./t"}};
  std::set<std::string> done;
  Command escaped = word_at(line, "\\x");
  escaped.name = "x";
  Command quoted = word_at(line, "'x'");
  quoted.name = "x";
  EXPECT_FALSE(expand_aliases(line, {escaped, quoted}, aliases, done));
}

TEST(ExpandAliases, AnAliasIsNotExpandedInsideItsOwnValue) {
  std::string line = "ls";
  std::map<std::string, std::string> aliases{{"ls", "ls --color"}};
  std::set<std::string> done;
  auto out = expand_aliases(line, {word_at(line, "ls")}, aliases, done);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "ls --color");
  EXPECT_FALSE(expand_aliases(*out, {word_at(*out, "ls")}, aliases, done));
}

TEST(ExpandAliases, TrailingBlankExpandsTheNextWord) {
  std::string line = "sudo ll /";
  std::map<std::string, std::string> aliases{{"sudo", "sudo "}, {"ll", "ls -l"}};
  std::set<std::string> done;
  auto out = expand_aliases(line, {word_at(line, "sudo")}, aliases, done);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "sudo  ls -l /");  // the value's blank, then the typed one
}

TEST(ExpandAliases, WordsInsideStringsStayAsTyped) {
  std::string line = "echo 'x'";
  std::map<std::string, std::string> aliases{{"x", "rm -rf ./t"}};
  std::set<std::string> done;
  Command inner = word_at(line, "x");  // a span a nested-shell reader might report
  EXPECT_FALSE(expand_aliases(line, {inner}, aliases, done));
}

}  // namespace
}  // namespace vg::hooks
