#include "vg/run.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "config/exit_codes.hpp"
#include "config/result.hpp"
#include "config/suggest.hpp"
#include "vg/command.hpp"
#include "vg/context.hpp"
#include "vg/help.hpp"
#include "vg/version.hpp"

namespace vg {
namespace {

std::vector<std::string> option_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const auto* opt : app.get_options()) {
    for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
  }
  return names;
}

// "unknown command 'exce'; did you mean 'exec'?"
int unknown_word(const std::string& kind, const std::string& word, const std::vector<std::string>& known,
                 const std::string& where) {
  std::string hint = nearest(word, known);
  std::fprintf(stderr, "vg: unknown %s '%s'%s%s%s\n", kind.c_str(), word.c_str(),
               where.empty() ? "" : " for ", where.c_str(),
               hint.empty() ? "" : ("; did you mean '" + hint + "'?").c_str());
  std::fprintf(stderr, "vg: see 'vg --help'\n");
  return exit_code::k_usage;
}

}  // namespace

void add_root_options(CLI::App& app, Context& ctx) {
  app.set_version_flag("--version", version_line());
  app.footer(help_footer());
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("--debug", ctx.debug, "Debug output: 'stats' prints where vg's time went")
      ->delimiter(',')
      ->expected(0, 1)
      ->take_last();
}

int run(int argc, char** argv) {
  // Neither is ever destroyed: vg/main.cpp ends the process once run()
  // returns, and freeing them after a sandboxed run only wrote to pages the
  // sandbox's clone had made copy-on-write (a fault each).
  Context& ctx = *new Context;
  ctx.argv.assign(argv, argv + argc);
  CLI::App& app = *new CLI::App{k_description, "vg"};
  add_root_options(app, ctx);

  // Find the subcommand word. Building every subcommand's CLI11 options costs
  // about a third of a host-route `vg exec`, so only the one invoked is built;
  // help and errors build them all.
  auto commands = registered_commands();
  std::vector<std::string> names;
  for (const auto& c : commands) names.emplace_back(c.name);
  std::string chosen;
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word.rfind("--debug", 0) == 0) {
      if (word == "--debug" && i + 1 < argc && argv[i + 1][0] != '-') ++i;
      continue;
    }
    if (word.empty() || word[0] == '-') break;
    // An unknown subcommand gets "did you mean" before CLI11 sees it.
    if (std::find(names.begin(), names.end(), word) == names.end()) return unknown_word("command", word, names, "");
    chosen = word;
    ctx.command = word;
    ctx.command_index = i;
    break;
  }
  for (const auto& command : commands) {
    if (chosen.empty() || chosen == "help" || chosen == command.name) command.fn(app, ctx);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::fputs(app.help("", CLI::AppFormatMode::All).c_str(), stdout);
    return 0;
  } catch (const CLI::CallForVersion& e) {
    std::printf("%s\n", e.what());
    return 0;
  } catch (const CLI::ExtrasError& e) {
    // Name the first unexpected option and suggest the nearest known one.
    CLI::App* sub = app.get_subcommands().empty() ? &app : app.get_subcommands().front();
    std::string where = sub == &app ? "" : "'vg " + sub->get_name() + "'";
    for (int i = 1; i < argc; ++i) {
      std::string word = argv[i];
      if (word == "--") break;
      if (word.rfind("--", 0) == 0) {
        std::string name = word.substr(0, word.find('='));
        auto known = option_names(*sub);
        auto root = option_names(app);
        known.insert(known.end(), root.begin(), root.end());
        if (std::find(known.begin(), known.end(), name) == known.end()) return unknown_word("option", name, known, where);
      }
    }
    std::fprintf(stderr, "vg: %s\n", e.what());
    return exit_code::k_usage;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "vg: %s\nvg: see 'vg --help'\n", e.what());
    return exit_code::k_usage;
  } catch (const Fatal& e) {
    std::fprintf(stderr, "vg: error: %s\n", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vg: error: internal: %s\n", e.what());
    return exit_code::k_internal;
  }
  if (ctx.stats.enabled) ctx.stats.print();
  return ctx.exit_code;
}

}  // namespace vg
