// `vg hook plan --shell SHELL [--names -] -- LINE`: what the interactive
// hook does with one typed line. Called on every Enter, so it stays small.
//
// Output (stdout), parsed by shell-hooks/init.*:
//   line 1: native | wrap | ask | refuse
//   line 2: N, the number of message lines that follow (for the user's stderr)
//   N lines of messages
//   the rest: the line to run (wrap / ask), byte-exact
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <pwd.h>
#include <set>
#include <string>
#include <unistd.h>
#include <vector>

#include "config/exit_codes.hpp"
#include "config/result.hpp"
#include "risk/engine.hpp"
#include "router/audit.hpp"
#include "router/decide.hpp"
#include "shell-hooks/definitions.hpp"
#include "shell-hooks/plan.hpp"
#include "vg/command.hpp"
#include "vg/context.hpp"

namespace vg {
namespace {

struct HookOptions {
  std::string shell;
  std::string names_from;  // "-" = stdin
  std::vector<std::string> line;
};

hooks::LineRoute line_route(router::Route r) {
  switch (r) {
    case router::Route::host: return hooks::LineRoute::host;
    case router::Route::sandbox: return hooks::LineRoute::sandbox;
    case router::Route::ask: return hooks::LineRoute::ask;
    case router::Route::refuse: return hooks::LineRoute::refuse;
  }
  return hooks::LineRoute::refuse;
}

std::vector<std::string> finding_lines(const risk::Assessment& a) {
  std::vector<std::string> out;
  for (const auto& f : a.findings) {
    out.push_back(std::string("vg:   ") + config::to_string(f.level) + " " + f.rule + ": " + f.description);
  }
  for (const auto& r : a.reasons) out.push_back("vg:   not understood: " + r);
  return out;
}

std::string now_rfc3339() {
  std::timespec ts{};
  std::timespec_get(&ts, TIME_UTC);
  std::tm tm{};
  gmtime_r(&ts.tv_sec, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
  return buf;
}

// A refused line never reaches `vg exec`, so the hook logs it itself.
void audit_refusal(const config::Config& config, const std::string& line, const risk::Assessment& a,
                   const std::string& reason) {
  router::AuditRecord r;
  r.time = now_rfc3339();
  r.uid = ::getuid();
  if (const passwd* pw = ::getpwuid(r.uid)) r.user = pw->pw_name;
  char cwd[4096];
  if (::getcwd(cwd, sizeof cwd)) r.cwd = cwd;
  r.command = line;
  r.level = a.level;
  for (const auto& f : a.findings) r.findings.emplace_back(f.rule, f.level);
  r.understood = a.understood;
  r.route = "refuse";
  r.reason = "shell hook: " + reason;
  r.exit_code = exit_code::k_refused;
  auto appended = router::append_line(router::audit_path(config), router::to_json_line(r), config.audit.max_size,
                                      config.audit.keep);
  if (!appended) std::fprintf(stderr, "vg: warning: audit log: %s\n", appended.error().message.c_str());
}

// All of stdin (the hook's names and definitions); "" when it is a terminal.
std::string read_stdin() {
  std::string out;
  if (::isatty(0)) return out;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(0, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

std::vector<hooks::Command> plan_commands(const risk::Assessment& a) {
  std::vector<hooks::Command> out;
  out.reserve(a.commands.size());
  for (const auto& c : a.commands) out.push_back({c.name, c.begin, c.end, c.command_begin, c.command_end});
  return out;
}

// The routes of the bodies of the functions `commands` call (and of the
// functions those call), in the order met. A body is judged by its
// findings, like the native parts of a line: one without findings runs
// natively in every mode, and shell syntax the reader does not follow
// (fish blocks) is not held against it.
std::vector<hooks::BodyRoute> function_routes(const config::Config& config, risk::Engine& engine, hooks::Shell shell,
                                              const hooks::Definitions& defs,
                                              const std::vector<risk::CommandWord>& commands) {
  std::vector<hooks::BodyRoute> out;
  if (defs.functions.empty()) return out;
  std::set<std::string> seen;
  std::vector<std::string> queue;
  for (const auto& c : commands) queue.push_back(c.name);
  for (std::size_t i = 0; i < queue.size() && seen.size() < 64; ++i) {
    auto it = defs.functions.find(queue[i]);
    if (it == defs.functions.end() || !seen.insert(queue[i]).second) continue;
    std::string body = hooks::function_body(shell, it->second);
    risk::Assessment a =
        engine.assess_script(shell == hooks::Shell::fish ? hooks::blank_fish_prefixes(body) : body);
    a.understood = true;
    a.reasons.clear();
    if (!a.findings.empty()) {
      router::Decision d = router::decide(config, a, router::Override::none, false);
      out.push_back({queue[i], line_route(d.route), d.reason});
    }
    for (const auto& c : a.commands) queue.push_back(c.name);
  }
  return out;
}

int plan_line(Context& ctx, const HookOptions& opts) {
  ctx.stats.enabled = std::find(ctx.debug.begin(), ctx.debug.end(), "stats") != ctx.debug.end();
  auto shell = hooks::parse_shell(opts.shell);
  if (!shell) throw Fatal(exit_code::k_usage, "unknown shell '" + opts.shell + "'; use bash, zsh or fish");
  if (opts.line.size() != 1) throw Fatal(exit_code::k_usage, "vg hook plan takes exactly one LINE after '--'");
  const std::string& typed = opts.line.front();

  hooks::HookInput hook_input;
  if (opts.names_from == "-") {
    hook_input = hooks::parse_hook_input(read_stdin());
  } else if (!opts.names_from.empty()) {
    throw Fatal(exit_code::k_usage, "--names takes '-' (read the names from stdin)");
  }
  // The hook's own `vg` function is never an external program.
  hook_input.names.erase("vg");
  hook_input.definitions.aliases.erase("vg");
  hook_input.definitions.functions.erase("vg");
  ctx.stats.mark("names");

  config::Config config = load_config_or_die(ctx);
  auto engine = risk::Engine::create(config);
  if (!engine) throw Fatal(exit_code::k_config, engine.error().message);
  ctx.stats.mark("engine");
  // fish's `and` / `or` / `not` prefixes are blanked (offsets kept) so the
  // bash reader sees the commands after them.
  auto assess = [&](const std::string& text) {
    return (*engine)->assess_script(*shell == hooks::Shell::fish ? hooks::blank_fish_prefixes(text) : text);
  };
  // Aliases are text: the line is planned as the shell will run it, with
  // them expanded (the typed line still goes to history).
  std::string line = typed;
  risk::Assessment a = assess(line);
  std::set<std::string> expanded;
  for (int pass = 0; pass < 16; ++pass) {
    auto next = hooks::expand_aliases(line, plan_commands(a), hook_input.definitions.aliases, expanded);
    if (!next) break;
    line = std::move(*next);
    a = assess(line);
  }
  ctx.stats.mark("assess");
  router::Decision d = router::decide(config, a, router::Override::none, false);
  router::Decision bypass = router::decide(config, a, router::Override::host, false);
  ctx.stats.mark("decide");

  hooks::PlanInput in;
  in.line = line;
  in.shell_names = std::move(hook_input.names);
  in.commands = plan_commands(a);
  for (const auto& f : a.findings) in.findings.push_back({f.rule, f.begin, f.end});
  in.understood = a.understood;
  in.route = line_route(d.route);
  in.route_reason = d.reason;
  // In mode `always` every `vg exec` sandboxes anyway; elsewhere a line
  // routed to the sandbox sends each of its parts there.
  in.sandbox_flag = d.route == router::Route::sandbox && config.sandbox.mode != config::Mode::always;
  in.bypass = bypass.route == router::Route::host ? hooks::Bypass::allowed : hooks::Bypass::denied;
  for (const auto& [name, value] : hook_input.definitions.aliases) in.alias_names.insert(name);
  in.bodies = function_routes(config, **engine, *shell, hook_input.definitions, a.commands);
  hooks::Plan plan = hooks::make_plan(in);
  ctx.stats.mark("plan");

  std::vector<std::string> messages;
  if (plan.verdict == hooks::Verdict::refuse) {
    messages.push_back("vg: refused: " + plan.reason);
    for (auto& l : finding_lines(a)) messages.push_back(std::move(l));
    messages.push_back("vg: nothing of the line ran; edit it, or see 'vg explain -- LINE'");
    audit_refusal(config, typed, a, plan.reason);
  } else if (plan.verdict == hooks::Verdict::ask) {
    messages.push_back("vg: this line needs your confirmation: " + plan.reason);
    for (auto& l : finding_lines(a)) messages.push_back(std::move(l));
  }
  for (const auto& n : d.notes) messages.push_back("vg: note: " + n);
  for (const auto& n : plan.notes) messages.push_back("vg: note: " + n);

  std::string out = std::string(hooks::to_string(plan.verdict)) + "\n" + std::to_string(messages.size()) + "\n";
  for (const auto& m : messages) out += m + "\n";
  out += plan.text;
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

void register_hook(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<HookOptions>();
  auto* hook = shared_subcommand(app, "hook", "Hooks: the interactive shell's (plan, see 'vg init') and AI coding agents' (see 'vg connect')");
  hook->require_subcommand(1);
  auto* plan = hook->add_subcommand("plan", "Plan one typed line: native, wrap, ask or refuse");
  plan->add_option("--shell", opts->shell, "bash, zsh or fish")->required();
  plan->add_option("--names", opts->names_from,
                   "'-': read the shell's builtins and functions, and the definitions of the aliases and "
                   "functions the line uses, from stdin");
  plan->add_option("line", opts->line, "The typed line (after --)");
  plan->callback([&ctx, opts] { ctx.exit_code = plan_line(ctx, *opts); });
}

const CommandRegistration k_registration{"hook", register_hook};

}  // namespace
}  // namespace vg
