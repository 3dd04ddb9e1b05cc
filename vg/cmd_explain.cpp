// `vg explain`: show how vg understands, scores and would route a command.
// Nothing is executed.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "config/exit_codes.hpp"
#include "config/result.hpp"
#include "risk/engine.hpp"
#include "router/decide.hpp"
#include "vg/command.hpp"
#include "vg/context.hpp"
#include "risk/report.hpp"
#include "config/json.hpp"

namespace vg {
namespace {

struct ExplainOptions {
  bool json = false;
  bool has_shell = false;
  std::string shell_script;
  std::vector<std::string> argv;
};

int explain(Context& ctx, const ExplainOptions& opts) {
  if (opts.has_shell == !opts.argv.empty())
    throw Fatal(exit_code::k_usage, "vg explain needs either '-- CMD [ARGS...]' or '--shell SCRIPT' (not both)");
  config::Config config = load_config_or_die(ctx);
  auto engine = risk::Engine::create(config);
  if (!engine) throw Fatal(exit_code::k_config, engine.error().message);
  std::string input;
  risk::Assessment a;
  if (opts.has_shell) {
    input = opts.shell_script;
    a = (*engine)->assess_script(input);
  } else {
    for (const auto& w : opts.argv) input += (input.empty() ? "" : " ") + w;
    a = (*engine)->assess_argv(opts.argv);
  }
  router::Decision d = router::decide(config, a, router::Override::none, false);
  std::string out;
  if (opts.json) {
    JsonWriter w;
    w.begin_object().key("route").value(router::to_string(d.route)).key("route_reason").value(d.reason);
    risk::write_json_members(w, a, true);
    w.end_object();
    out = w.str() + "\n";
  } else {
    out = "route:      " + std::string(router::to_string(d.route)) + (d.reason.empty() ? "" : " (" + d.reason + ")") +
          "\n" + risk::render_text(a, input);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

void register_explain(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<ExplainOptions>();
  auto* cmd = app.add_subcommand("explain", "Show how vg scores and would route a command (runs nothing)");
  cmd->add_flag("--json", opts->json, "Print one JSON object");
  cmd->add_option("-c,--shell", opts->shell_script, "Explain SCRIPT as the shell would read it")
      ->each([opts](const std::string&) { opts->has_shell = true; });
  cmd->add_option("command", opts->argv, "The command and its arguments (after --)");
  cmd->callback([&ctx, opts] { ctx.exit_code = explain(ctx, *opts); });
}

const CommandRegistration k_registration{"explain", register_explain};

}  // namespace
}  // namespace vg
