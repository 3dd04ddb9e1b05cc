#include "clidoc/model.hpp"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

#include "clidoc/completion.hpp"
#include "clidoc/man.hpp"

namespace vg::clidoc {
namespace {

// A small program shaped like vg: nested subcommands, flags, options with
// values, positionals, a hidden command and a hidden flag.
struct Sample {
  CLI::App app{"tool: does things", "tool"};
  bool json = false;
  std::string mode, shell, key, script;
  std::vector<std::string> argv;
  Sample() {
    auto* run = app.add_subcommand("run", "Run a command");
    run->add_option("-c,--shell", script, "Run SCRIPT with sh -c");
    run->add_option("--mode", mode, "Routing mode");
    run->add_flag("--secret", json)->group("");
    run->add_option("command", argv, "The command (after --)");
    auto* cache = app.add_subcommand("cache", "Manage the cache");
    auto* show = cache->add_subcommand("show", "Show one entry");
    show->add_option("key", key, "The key")->required();
    show->add_flag("--json", json, "Print JSON");
    auto* init = app.add_subcommand("init", "Print the hook");
    init->add_option("shell", shell, "bash, zsh or fish")->required();
    app.add_subcommand("internal", "Not for people")->group("");
  }
};

Hints sample_hints() {
  return {{"run --mode", {Values::words, {"always", "auto"}, ""}},
          {"run command", {Values::commands, {}, ""}},
          {"init shell", {Values::words, {"bash", "zsh", "fish"}, ""}},
          {"cache show key", {Values::dynamic, {}, "tool cache ls | awk '{print $1}'"}}};
}

TEST(Describe, WalksEveryVisibleCommandDepthFirst) {
  Sample s;
  auto cs = describe(s.app, sample_hints());
  std::vector<std::string> paths;
  for (const auto& c : cs) paths.push_back(c.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"", "run", "cache", "cache show", "init"}));
  EXPECT_EQ(cs[0].subcommands, (std::vector<std::string>{"run", "cache", "init"}));
}

TEST(Describe, OptionsKnowTheirValuesAndHiddenOnesAreLeftOut) {
  Sample s;
  auto cs = describe(s.app, sample_hints());
  const Command& run = cs[1];
  const Option* mode = find_option(run, "mode");
  ASSERT_NE(mode, nullptr);
  EXPECT_TRUE(mode->takes_value);
  EXPECT_EQ(mode->values.words, (std::vector<std::string>{"always", "auto"}));
  EXPECT_EQ(find_option(run, "secret"), nullptr);
  const Option* help = find_option(run, "help");
  ASSERT_NE(help, nullptr);
  EXPECT_FALSE(help->takes_value);
  ASSERT_EQ(run.positionals.size(), 1u);
  EXPECT_TRUE(run.positionals[0].many);
  EXPECT_EQ(run.positionals[0].values.kind, Values::commands);
  EXPECT_TRUE(cs[3].positionals[0].required);
}

TEST(Completion, BashTablesNameEverySubcommandOptionAndValue) {
  Sample s;
  std::string b = bash_completion("tool", describe(s.app, sample_hints()));
  EXPECT_NE(b.find("['tool cache']='show'"), std::string::npos) << b;
  EXPECT_NE(b.find("['tool run --mode']='words:always auto'"), std::string::npos);
  EXPECT_NE(b.find("['tool init 0']='words:bash zsh fish'"), std::string::npos);
  EXPECT_NE(b.find("['tool cache show 0']='dynamic:tool cache ls | awk '\\''{print $1}'\\'''"), std::string::npos) << b;
  EXPECT_NE(b.find("complete -F _tool tool"), std::string::npos);
  EXPECT_EQ(b.find("internal"), std::string::npos);
}

TEST(Completion, ZshAndFishCarryDescriptions) {
  Sample s;
  auto cs = describe(s.app, sample_hints());
  std::string z = zsh_completion("tool", cs);
  EXPECT_EQ(z.rfind("#compdef tool\n", 0), 0u);
  EXPECT_NE(z.find("cache:Manage the cache"), std::string::npos);
  std::string f = fish_completion("tool", cs);
  EXPECT_NE(f.find("complete -c tool -n \"__tool_at 'tool cache'\" -a 'show' -d 'Show one entry'"), std::string::npos) << f;
  EXPECT_NE(f.find("-l mode -x -a 'always auto'"), std::string::npos) << f;
  EXPECT_NE(f.find("'tool cache|show'"), std::string::npos);
}

TEST(Man, OnePagePerTopLevelCommandAndEscapedText) {
  Sample s;
  ManInfo info{"tool", "tool 1.0", "2026-01-01", "tool manual"};
  auto pages = command_man_pages(info, describe(s.app));
  ASSERT_EQ(pages.size(), 4u);
  EXPECT_EQ(pages[0].file, "tool.1");
  EXPECT_EQ(pages[2].file, "tool-cache.1");
  EXPECT_NE(pages[0].text.find(".TH TOOL 1 \"2026-01-01\""), std::string::npos);
  EXPECT_NE(pages[0].text.find("\\fBtool-run\\fR(1)"), std::string::npos);
  EXPECT_NE(pages[1].text.find("\\fB\\-c\\fR, \\fB\\-\\-shell\\fR \\fISHELL\\fR"), std::string::npos) << pages[1].text;
  EXPECT_NE(pages[2].text.find(".SH TOOL CACHE SHOW"), std::string::npos);
  EXPECT_NE(pages[0].text.find("tool \\- does things\n"), std::string::npos) << pages[0].text;
  EXPECT_EQ(roff_escape(".x 'y' a\\b\n'z"), "\\&.x 'y' a\\eb\n\\&'z");
}

TEST(Man, TheProgramsFooterIsOnItsPageOnly) {
  CLI::App app{"tool: does things", "tool"};
  app.footer("Exit codes: 64 usage");
  app.add_subcommand("inherits", "Has the program's footer");
  app.add_subcommand("own", "Has its own")->footer("Usage: tool own X");
  ManInfo info{"tool", "tool 1.0", "2026-01-01", "tool manual"};
  auto pages = command_man_pages(info, describe(app));
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_NE(pages[0].text.find("Exit codes: 64 usage"), std::string::npos);
  EXPECT_EQ(pages[1].text.find("Exit codes"), std::string::npos) << pages[1].text;
  EXPECT_NE(pages[2].text.find("Usage: tool own X"), std::string::npos);
}

TEST(Man, ConfigPageListsDottedKeysWithDefaultsAndComments) {
  ManInfo info{"tool", "tool 1.0", "2026-01-01", "tool manual"};
  std::string yaml =
      "# header\nsandbox:\n  mode: always   # always | auto\n  limits:\n    memory: 0  # bytes\n"
      "    # cpu: 2\nhooks:\n  on_missing: warn\n";
  ManPage p = config_man_page(info, yaml, "Intro.\n");
  EXPECT_EQ(p.file, "tool.5");
  EXPECT_NE(p.text.find("\\fBsandbox.mode\\fR (default \\fIalways\\fR)\nalways | auto"), std::string::npos) << p.text;
  EXPECT_NE(p.text.find("\\fBsandbox.limits.memory\\fR (default \\fI0\\fR)\nbytes"), std::string::npos);
  EXPECT_NE(p.text.find("\\fBhooks.on_missing\\fR"), std::string::npos);
  EXPECT_EQ(p.text.find("cpu"), std::string::npos);
}

}  // namespace
}  // namespace vg::clidoc
