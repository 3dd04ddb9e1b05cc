// Fuzz-style robustness: random and truncated bash, 1 MB input, NUL bytes,
// invalid UTF-8, 10,000-deep nesting. Always a verdict, never a crash or
// hang, and never "understood + low" for input vg cannot read.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "risk/engine_test_util.hpp"

namespace vg::risk {
namespace {

using test::engine;

TEST(Robustness, RandomBytesAndTokens) {
  std::mt19937 rng(12345);
  const char* tokens[] = {"rm", " -rf ", "/", "$(", ")", "`", "'", "\"", "\\", "|", "&&", ";", "<<", "EOF\n",
                          "${", "}", "(", "{", "<(", "$'", "\n", "bash -c ", "eval ", " ", "x=", "$x", "&", "#"};
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    int n = static_cast<int>(rng() % 40);
    for (int k = 0; k < n; ++k) {
      if (rng() % 5 == 0)
        s.push_back(static_cast<char>(rng() % 256));
      else
        s += tokens[rng() % (sizeof tokens / sizeof *tokens)];
    }
    auto a = engine().assess_script(s);
    EXPECT_TRUE(a.understood || !a.reasons.empty()) << s;
  }
}

TEST(Robustness, TruncatedScripts) {
  std::string s = "X=rm; for d in / /home; do sudo bash -c \"$X -rf $d\" | tee >(cat) <<'EOF'\nhi\nEOF\ndone";
  for (std::size_t n = 0; n <= s.size(); ++n) (void)engine().assess_script(s.substr(0, n));
  SUCCEED();
}

TEST(Robustness, OneMegabyteCommand) {
  std::string s = "echo ";
  while (s.size() < (1u << 20)) s += "abcdefgh ";
  auto a = engine().assess_script(s);
  // Read whole, it is low; past the time budget (a loaded machine) it is
  // not understood, and then never low.
  EXPECT_TRUE(a.understood ? a.level == Level::low : a.level == Level::medium) << (a.understood ? "" : a.reasons[0]);
  std::string danger = s + "; rm -rf /";
  a = engine().assess_script(danger);
  EXPECT_TRUE(a.level == Level::critical || !a.understood);
}

TEST(Robustness, NulBytesAndInvalidUtf8) {
  auto a = engine().assess_script(std::string("rm -rf /\0 x", 11));
  EXPECT_TRUE(a.level == Level::critical || !a.understood);
  a = engine().assess_script("echo \xff\xfe\xc3 ; rm -rf /");
  EXPECT_TRUE(a.level == Level::critical || !a.understood);
}

TEST(Robustness, DeepNestingIsNotUnderstood) {
  for (const char* open_close : {"$(", "(", "{ ", "`"}) {
    std::string open = open_close, close = open == "$(" || open == "(" ? ")" : open == "{ " ? "; }" : "`";
    std::string s;
    for (int i = 0; i < 10000; ++i) s += open;
    s += "rm -rf /";
    for (int i = 0; i < 10000; ++i) s += close;
    auto a = engine().assess_script(s);
    EXPECT_TRUE(!a.understood || a.level == Level::critical) << open;
  }
}

TEST(Robustness, NestedShellStringsAreBounded) {
  std::string s = "ls";
  for (int i = 0; i < 200; ++i) s = "eval " + s;
  auto a = engine().assess_script(s);
  EXPECT_FALSE(a.understood);
  s = "rm -rf /";
  for (int i = 0; i < 8; ++i) s = "eval " + s;
  EXPECT_EQ(engine().assess_script(s).level, Level::critical);
}

}  // namespace
}  // namespace vg::risk
