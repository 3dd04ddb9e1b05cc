// The catalogue of programs (catalogue.hpp): its line format and the
// compiled table.
#include <gtest/gtest.h>

#include "risk/catalogue.hpp"

namespace vg::risk {
namespace {

TEST(Catalogue, TokensParseIntoASpec) {
  auto s = parse_program_spec("cp", "pos=read last=write opt:write=-t,--target-directory rec=-r noop=-n sys=pkg net=send");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->operands, std::vector<Effect>{Effect::read});
  EXPECT_EQ(s->last, Effect::write);
  EXPECT_EQ(s->system, SystemChange::packages);
  EXPECT_EQ(s->network, Network::send);
  ASSERT_EQ(s->options.size(), 4u);
  EXPECT_EQ(s->options[0].name, "-t");
  EXPECT_EQ(s->options[0].effect, Effect::write);
}

TEST(Catalogue, BadTokensAreErrorsThatSayWhat) {
  EXPECT_NE(parse_program_spec("x", "pos=explode").error().message.find("unknown effect"), std::string::npos);
  EXPECT_NE(parse_program_spec("x", "colour=red").error().message.find("unknown token"), std::string::npos);
  EXPECT_NE(parse_program_spec("x", "opt=value").error().message.find("must start with -"), std::string::npos);
}

TEST(Catalogue, CompiledTableIsSortedAndFindsSubcommands) {
  std::size_t n = 0;
  const CatalogueLine* lines = builtin_catalogue(n);
  ASSERT_GT(n, 1000u);
  for (std::size_t i = 1; i < n; ++i) EXPECT_LT(lines[i - 1].key, lines[i].key);
  EXPECT_TRUE(find_program("rm"));
  EXPECT_TRUE(find_program("git:push"));
  EXPECT_TRUE(find_program("git")->subcommands);
  EXPECT_FALSE(find_program("no-such-program"));
}

}  // namespace
}  // namespace vg::risk
