// Rule packs: every built-in example holds; bad rules are reported with
// file:line and rule id; user rule files load.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

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
  EXPECT_EQ((*e)->assess_script("git push --force").level, Level::low);
}

}  // namespace
}  // namespace vg::risk
