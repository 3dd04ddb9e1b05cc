#include "vg/help.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>

#include "config/exit_codes.hpp"
#include "config/suggest.hpp"
#include "vg/command.hpp"
#include "vg/context.hpp"

namespace vg {

std::string help_footer() {
  using namespace exit_code;
  std::string s = "\nExit codes:\n";
  auto row = [&](int code, const char* what) {
    char line[160];
    std::snprintf(line, sizeof line, "  %-5d %s\n", code, what);
    s += line;
  };
  s += "  N     the command's own exit code, passed through\n";
  row(k_signal_base, "+N  the command was killed by signal N");
  row(k_usage, "usage error (bad command line)");
  row(k_sandbox_unavailable, "the sandbox could not start; the command did not run");
  row(k_internal, "vg itself failed");
  row(k_kept_aside, "the command succeeded, but vg kept some of its writes aside (refused, or changed on the host meanwhile)");
  row(k_refused, "refused by policy, or declined at the prompt; the command did not run");
  row(k_config, "the configuration is invalid; the command did not run");
  row(k_timed_out, "the command ran past sandbox.resources.timeout (or --timeout) and was killed");
  row(k_not_executable, "the command could not be executed");
  row(k_not_found, "the command was not found");
  s += "\nRun 'vg help COMMAND' for the options of one command.";
  return s;
}

namespace {
void register_help(CLI::App& app, Context& ctx) {
  auto* help = app.add_subcommand("help", "Show help for vg or one of its commands");
  auto topic = std::make_shared<std::string>();
  help->add_option("command", *topic, "The command to explain");
  help->callback([&app, &ctx, topic] {
    if (topic->empty()) {
      std::fputs(app.help().c_str(), stdout);
      return;
    }
    try {
      CLI::App* sub = app.get_subcommand(*topic);
      std::fputs(sub->help().c_str(), stdout);
    } catch (const CLI::OptionNotFound&) {
      std::vector<std::string> names;
      for (auto* s : app.get_subcommands([](CLI::App*) { return true; })) names.push_back(s->get_name());
      std::string hint = nearest(*topic, names);
      std::fprintf(stderr, "vg: no help for unknown command '%s'%s\n", topic->c_str(),
                   hint.empty() ? "" : ("; did you mean '" + hint + "'?").c_str());
      ctx.exit_code = exit_code::k_usage;
    }
  });
}

const CommandRegistration k_registration{"help", register_help};
}  // namespace

}  // namespace vg
