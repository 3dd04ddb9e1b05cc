// `vg check --json`: the batch interface. Reads JSON lines {"command": "..."}
// on stdin and writes one JSON line per input line. Nothing is executed.
// `vg check --verify-rules` checks every rule's patterns and examples.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "config/exit_codes.hpp"
#include "config/json.hpp"
#include "config/result.hpp"
#include "risk/engine.hpp"
#include "router/decide.hpp"
#include "router/json_read.hpp"
#include "vg/command.hpp"
#include "vg/context.hpp"
#include "risk/report.hpp"
#include "config/json.hpp"

namespace vg {
namespace {

struct CheckOptions {
  bool json = false;
  bool verify_rules = false;
  bool full = false;
};

std::string error_line(std::size_t line_no, const std::string& message) {
  JsonWriter w;
  w.begin_object().key("error").value(message).key("line").value(static_cast<std::uint64_t>(line_no)).end_object();
  return w.str();
}

int check(Context& ctx, const CheckOptions& opts) {
  config::Config config = load_config_or_die(ctx);
  auto engine = risk::Engine::create(config, opts.verify_rules);
  if (!engine) throw Fatal(exit_code::k_config, engine.error().message);
  if (opts.verify_rules) {
    std::fputs("vg: every rule's patterns and examples check out\n", stderr);
    if (!opts.json) return 0;
  }
  if (!opts.json) throw Fatal(exit_code::k_usage, "vg check reads JSON lines: use `vg check --json < commands.jsonl`");
  std::string line;
  std::size_t line_no = 0;
  int status = 0;
  while (std::getline(std::cin, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::string out;
    auto parsed = router::parse_json(line);
    if (!parsed) {
      out = error_line(line_no, "not valid JSON: " + parsed.error().message);
      status = 1;
    } else {
      const router::Json* cmd = parsed->get("command");
      if (!cmd || !cmd->is_string()) {
        out = error_line(line_no, "expected an object with a string member \"command\"");
        status = 1;
      } else {
        risk::Assessment a = (*engine)->assess_script(cmd->string);
        router::Decision d = router::decide(config, a, router::Override::none, false);
        JsonWriter w;
        w.begin_object().key("route").value(router::to_string(d.route));
        risk::write_json_members(w, a, opts.full);
        w.end_object();
        out = w.str();
      }
    }
    out.push_back('\n');
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  std::fflush(stdout);
  return status;
}

void register_check(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<CheckOptions>();
  auto* cmd = app.add_subcommand("check", "Score JSON lines of commands from stdin (runs nothing)");
  cmd->add_flag("--json", opts->json, "Read {\"command\": \"...\"} lines, write one JSON result per line");
  cmd->add_flag("--full", opts->full, "Include descriptions, spans, reasons and commands in each result");
  cmd->add_flag("--verify-rules", opts->verify_rules, "Check every rule's patterns and examples, then exit");
  cmd->callback([&ctx, opts] { ctx.exit_code = check(ctx, *opts); });
}

const CommandRegistration k_registration{"check", register_check};

}  // namespace
}  // namespace vg
