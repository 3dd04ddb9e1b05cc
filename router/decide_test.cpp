// The decision table: every mode x level x override x understood x trust
// combination, under several policies, each row spelled out by hand.
#include "router/decide.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace vg::router {
namespace {

using config::Action;
using config::Level;
using config::Mode;

// One row: the six expected routes, in the column order
//   none, none+trust, --sandbox, --sandbox+trust, --host, --host+trust.
// H host, T host because a trust entry matched, S sandbox, A ask, R refuse.
struct Row {
  Mode mode;
  Level level;
  bool understood;
  const char* expected;  // six letters separated by spaces
};

constexpr std::array<std::pair<Override, bool>, 6> k_columns{{
    {Override::none, false},
    {Override::none, true},
    {Override::sandbox, false},
    {Override::sandbox, true},
    {Override::host, false},
    {Override::host, true},
}};

risk::Assessment assessment(Level level, bool understood) {
  risk::Assessment a;
  a.level = level;
  a.understood = understood;
  if (level != Level::low) a.findings.push_back({"test.rule", level, "a test finding", "cmd", 0, 3});
  if (!understood) a.reasons.push_back("test: not understood");
  return a;
}

char letter(const Decision& d) {
  switch (d.route) {
    case Route::host: return d.trusted ? 'T' : 'H';
    case Route::sandbox: return 'S';
    case Route::ask: return 'A';
    case Route::refuse: return 'R';
  }
  return '?';
}

void check_table(const config::Config& config, const std::vector<Row>& rows, const char* policy) {
  for (const auto& row : rows) {
    std::string got;
    for (const auto& [override, trusted] : k_columns) {
      Decision d = decide(config, assessment(row.level, row.understood), override, trusted);
      if (!got.empty()) got += ' ';
      got += letter(d);
      EXPECT_EQ(d.backend, d.route == Route::sandbox ? config.sandbox.runtime : "") << policy;
      EXPECT_FALSE(d.reason.empty()) << policy;
      EXPECT_EQ(d.hint.empty(), d.route != Route::refuse) << policy << ": a refusal says how to proceed";
    }
    EXPECT_EQ(got, row.expected) << policy << ": mode " << config::to_string(row.mode) << ", level "
                                 << config::to_string(row.level) << (row.understood ? ", understood" : ", not understood");
  }
}

// Rows for the modes that ignore the level (the host modes) at one level.
void add_mode_rows(std::vector<Row>& rows, Mode mode, Level level, const char* understood, const char* not_understood) {
  rows.push_back({mode, level, true, understood});
  rows.push_back({mode, level, false, not_understood});
}

config::Config with_mode(config::Config c, Mode m) {
  c.sandbox.mode = m;
  return c;
}

void check_per_mode(const config::Config& base, const std::vector<Row>& rows, const char* policy) {
  for (Mode m : {Mode::always, Mode::automatic, Mode::manual, Mode::disabled}) {
    std::vector<Row> mine;
    for (const auto& r : rows) {
      if (r.mode == m) mine.push_back(r);
    }
    ASSERT_EQ(mine.size(), 8u) << policy << ": table incomplete for mode " << config::to_string(m);
    check_table(with_mode(base, m), mine, policy);
  }
}

TEST(DecisionTable, DefaultPolicy) {
  config::Config c;  // always mode, thresholds low host / medium+high sandbox, block_critical
  std::vector<Row> rows;
  for (Level l : {Level::low, Level::medium, Level::high}) {
    add_mode_rows(rows, Mode::always, l, "S S S S S S", "S S S S S S");
    add_mode_rows(rows, Mode::manual, l, "H H S S H H", "H H S S H H");
    add_mode_rows(rows, Mode::disabled, l, "H H S S H H", "H H S S H H");
  }
  add_mode_rows(rows, Mode::automatic, Level::low, "H H S S H H", "S S S S H H");
  add_mode_rows(rows, Mode::automatic, Level::medium, "S T S S H T", "S S S S H H");
  add_mode_rows(rows, Mode::automatic, Level::high, "S T S S H T", "S S S S H H");
  for (Mode m : {Mode::always, Mode::automatic, Mode::manual, Mode::disabled}) {
    add_mode_rows(rows, m, Level::critical, "R R R R R R", "R R R R R R");
  }
  check_per_mode(c, rows, "default policy");
}

TEST(DecisionTable, AskRefuseThresholdsWithHostOverrideAllowed) {
  config::Config c;
  c.sandbox.allow_host_override = true;
  c.sandbox.risk_threshold = {Action::host, Action::ask, Action::refuse, Action::refuse};
  std::vector<Row> rows;
  for (Level l : {Level::low, Level::medium, Level::high}) {
    add_mode_rows(rows, Mode::always, l, "S T S S H T", "S S S S H H");
    add_mode_rows(rows, Mode::manual, l, "H H S S H H", "H H S S H H");
    add_mode_rows(rows, Mode::disabled, l, "H H S S H H", "H H S S H H");
  }
  add_mode_rows(rows, Mode::automatic, Level::low, "H H S S H H", "S S S S H H");
  // --host never answers a prompt; trust does.
  add_mode_rows(rows, Mode::automatic, Level::medium, "A T S S A T", "S S S S H H");
  // A refusal by threshold holds for understood and not-understood alike.
  add_mode_rows(rows, Mode::automatic, Level::high, "R R R R R R", "R R R R R R");
  for (Mode m : {Mode::always, Mode::automatic, Mode::manual, Mode::disabled}) {
    add_mode_rows(rows, m, Level::critical, "R R R R R R", "R R R R R R");
  }
  check_per_mode(c, rows, "ask/refuse thresholds, allow_host_override");
}

TEST(DecisionTable, BlockCriticalOffLetsTheModeDecideButNeverTrust) {
  config::Config c;
  c.sandbox.block_critical = false;
  std::vector<Row> rows;
  for (Level l : {Level::low, Level::medium, Level::high}) {
    add_mode_rows(rows, Mode::always, l, "S S S S S S", "S S S S S S");
    add_mode_rows(rows, Mode::manual, l, "H H S S H H", "H H S S H H");
    add_mode_rows(rows, Mode::disabled, l, "H H S S H H", "H H S S H H");
  }
  add_mode_rows(rows, Mode::automatic, Level::low, "H H S S H H", "S S S S H H");
  add_mode_rows(rows, Mode::automatic, Level::medium, "S T S S H T", "S S S S H H");
  add_mode_rows(rows, Mode::automatic, Level::high, "S T S S H T", "S S S S H H");
  add_mode_rows(rows, Mode::always, Level::critical, "S S S S S S", "S S S S S S");
  // auto: risk_threshold.critical (default refuse) still applies.
  add_mode_rows(rows, Mode::automatic, Level::critical, "R R R R R R", "R R R R R R");
  add_mode_rows(rows, Mode::manual, Level::critical, "H H S S H H", "H H S S H H");
  add_mode_rows(rows, Mode::disabled, Level::critical, "H H S S H H", "H H S S H H");
  check_per_mode(c, rows, "block_critical: false");

  c.sandbox.mode = Mode::automatic;
  c.sandbox.risk_threshold.critical = Action::sandbox;
  c.sandbox.allow_host_override = true;
  check_table(c,
              {{Mode::automatic, Level::critical, true, "S S S S H H"},
               {Mode::automatic, Level::critical, false, "S S S S H H"}},
              "block_critical: false, critical: sandbox");
}

TEST(DecisionTable, NotUnderstoodRefuseHoldsInEveryMode) {
  config::Config c;
  c.sandbox.not_understood = Action::refuse;
  c.sandbox.allow_host_override = true;
  std::vector<Row> rows;
  for (Level l : {Level::low, Level::medium, Level::high}) {
    add_mode_rows(rows, Mode::always, l, "S T S S H T", "R R R R R R");
    add_mode_rows(rows, Mode::manual, l, "H H S S H H", "R R R R R R");
    add_mode_rows(rows, Mode::disabled, l, "H H S S H H", "R R R R R R");
  }
  add_mode_rows(rows, Mode::automatic, Level::low, "H H S S H H", "R R R R R R");
  add_mode_rows(rows, Mode::automatic, Level::medium, "S T S S H T", "R R R R R R");
  add_mode_rows(rows, Mode::automatic, Level::high, "S T S S H T", "R R R R R R");
  for (Mode m : {Mode::always, Mode::automatic, Mode::manual, Mode::disabled}) {
    add_mode_rows(rows, m, Level::critical, "R R R R R R", "R R R R R R");
  }
  check_per_mode(c, rows, "not_understood: refuse");
}

TEST(DecisionTable, EnabledFalseIsDisabledModeWithRiskChecksOn) {
  config::Config c;
  c.sandbox.enabled = false;
  std::vector<Row> rows;
  for (Mode m : {Mode::always, Mode::automatic, Mode::manual, Mode::disabled}) {
    for (Level l : {Level::low, Level::medium, Level::high}) add_mode_rows(rows, m, l, "H H S S H H", "H H S S H H");
    add_mode_rows(rows, m, Level::critical, "R R R R R R", "R R R R R R");
  }
  check_per_mode(c, rows, "enabled: false");
}

TEST(Decide, CriticalRefusalNamesTheRule) {
  config::Config c;
  c.sandbox.mode = Mode::disabled;
  auto a = assessment(Level::critical, true);
  a.findings.insert(a.findings.begin(), {"fs.wipe.root", Level::critical, "wipes /", "rm -rf /", 0, 8});
  Decision d = decide(c, a, Override::host, true);
  EXPECT_EQ(d.route, Route::refuse);
  EXPECT_NE(d.reason.find("fs.wipe.root"), std::string::npos) << d.reason;
  EXPECT_FALSE(d.trusted);
}

TEST(Decide, ATrustEntryReachesAProgramTheCatalogueLacksButNothingElseUnread) {
  config::Config c;
  c.sandbox.mode = Mode::automatic;
  auto uncatalogued = assessment(Level::medium, false);
  uncatalogued.only_uncatalogued = true;
  Decision d = decide(c, uncatalogued, Override::none, true);
  EXPECT_EQ(d.route, Route::host) << d.reason;
  EXPECT_TRUE(d.trusted);
  // Not understood for any other reason (code it cannot read): still sandboxed.
  Decision other = decide(c, assessment(Level::medium, false), Override::none, true);
  EXPECT_EQ(other.route, Route::sandbox) << other.reason;
  EXPECT_FALSE(other.trusted);
}

TEST(Decide, RefusedHostOverrideSaysWhy) {
  config::Config c;  // always, allow_host_override false
  Decision d = decide(c, assessment(Level::low, true), Override::host, false);
  EXPECT_EQ(d.route, Route::sandbox);
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_NE(d.notes[0].find("allow_host_override"), std::string::npos);
}

TEST(Decide, SandboxRouteCarriesTheConfiguredRuntime) {
  config::Config c;
  c.sandbox.runtime = "mock";
  Decision d = decide(c, assessment(Level::low, true), Override::none, false);
  EXPECT_EQ(d.route, Route::sandbox);
  EXPECT_EQ(d.backend, "mock");
}

TEST(Decide, RouteNames) {
  EXPECT_STREQ(to_string(Route::host), "host");
  EXPECT_STREQ(to_string(Route::sandbox), "sandbox");
  EXPECT_STREQ(to_string(Route::ask), "ask");
  EXPECT_STREQ(to_string(Route::refuse), "refuse");
}

}  // namespace
}  // namespace vg::router
