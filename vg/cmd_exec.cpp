// `vg exec`: understand, score, route and run one command.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "config/exit_codes.hpp"
#include "config/load.hpp"
#include "config/result.hpp"
#include "sandbox/host.hpp"
#include "vg/command.hpp"
#include "vg/context.hpp"

extern char** environ;

namespace vg {
namespace {

struct ExecOptions {
  std::string shell_script;
  bool has_shell = false;
  std::vector<std::string> argv;
};

// The child's environment: vg's own, plus a marker so shells started inside
// do not install the interactive hook again.
std::vector<std::string> child_environment() {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    if (std::string_view(*e).rfind("VG_ACTIVE=", 0) == 0) continue;
    env.emplace_back(*e);
  }
  env.emplace_back("VG_ACTIVE=1");
  return env;
}

int exec_command(Context& ctx, const ExecOptions& opts) {
  ctx.stats.enabled = std::find(ctx.debug.begin(), ctx.debug.end(), "stats") != ctx.debug.end();
  if (opts.has_shell == !opts.argv.empty()) {
    throw Fatal(exit_code::k_usage, "vg exec needs either '-- CMD [ARGS...]' or '--shell SCRIPT' (not both)");
  }
  std::vector<std::string> argv = opts.argv;
  if (opts.has_shell) argv = {"/bin/sh", "-c", opts.shell_script};

  config::Config config = load_config_or_die(ctx);
  (void)config;

  auto env = child_environment();
  ctx.stats.mark("prepare");
  // Stats go out before the child runs, so they never interleave with its output.
  ctx.stats.print();
  ctx.stats.enabled = false;
  return sandbox::run_on_host(argv, env);
}

}  // namespace

namespace {
void register_exec(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<ExecOptions>();
  auto* exec = app.add_subcommand("exec", "Run a command through vg: understand, score, route, run");
  exec->usage("vg exec [OPTIONS] -- CMD [ARGS...]\n       vg exec [OPTIONS] --shell 'SCRIPT'");
  exec->add_option("-c,--shell", opts->shell_script, "Run SCRIPT with /bin/sh -c")
      ->each([opts](const std::string&) { opts->has_shell = true; });
  exec->add_option("command", opts->argv, "The command and its arguments (after --)");
  exec->callback([&ctx, opts] { ctx.exit_code = exec_command(ctx, *opts); });
}

const CommandRegistration k_registration{"exec", register_exec};
}  // namespace

}  // namespace vg
