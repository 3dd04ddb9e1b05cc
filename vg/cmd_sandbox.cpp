// `vg sandbox status` shows the microVM guest template and warm pool;
// `vg sandbox warm` builds the template and starts (or refills) the pool for
// the current project; `vg sandbox stop` ends the pool.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <optional>

#include "config/exit_codes.hpp"
#include "config/result.hpp"
#include "sandbox/microvm/accel.hpp"
#include "sandbox/microvm/assets.hpp"
#include "sandbox/microvm/pool.hpp"
#include "sandbox/microvm/pool_client.hpp"
#include "sandbox/microvm/template.hpp"
#include "vg/command.hpp"
#include "vg/context.hpp"

namespace vg {
namespace {

struct WarmOptions {
  bool wait = false;
  int timeout = 300;
};

// The template's options for this config, or nullopt (with a reason) when
// there are no guest assets yet or the acceleration setting cannot be met.
std::optional<sandbox::microvm::TemplateOptions> template_options_for(const config::Config& config,
                                                                      std::string& why) {
  std::string warning;
  auto accel = sandbox::microvm::choose_accel(config.microvm.accel, sandbox::microvm::probe_accel(), warning);
  if (!accel) {
    why = accel.error().message;
    return std::nullopt;
  }
  auto assets = sandbox::microvm::find_assets(sandbox::microvm::default_asset_options());
  if (!assets) {
    why = "no guest assets yet (vg guest build, or the first microVM command, prepares them)";
    return std::nullopt;
  }
  return sandbox::microvm::template_options(*assets, *accel, config.microvm.memory >> 20);
}

void print_template_status(const config::Config& config) {
  std::string why;
  auto options = template_options_for(config, why);
  if (!options) {
    std::printf("microvm template: none (%s)\n", why.c_str());
    return;
  }
  if (!sandbox::microvm::templates_enabled()) std::printf("microvm template: disabled (VG_MICROVM_TEMPLATE=off)\n");
  auto found = sandbox::microvm::find_template(*options);
  if (found.found) {
    std::printf("microvm template: ready %s (%s, device state %llu KiB, guest memory %llu MiB)\n",
                found.tmpl.key.c_str(),
                found.tmpl.dir.c_str(), static_cast<unsigned long long>(found.tmpl.state_size >> 10),
                static_cast<unsigned long long>(options->memory_mb));
  } else if (found.missing) {
    std::printf("microvm template: none (vg sandbox warm builds it; so does the first microVM command)\n");
  } else {
    std::printf("microvm template: unusable: %s (rebuilt on next use or by vg sandbox warm)\n", found.why.c_str());
  }
}

int sandbox_status(Context& ctx) {
  config::Config config = load_config_or_die(ctx);
  print_template_status(config);
  auto lines = sandbox::microvm::pool_status();
  if (!lines) {
    std::printf("microvm pool: not running\n");
    return 0;
  }
  std::printf("microvm pool: running, %zu entr%s\n", lines->size(), lines->size() == 1 ? "y" : "ies");
  for (const auto& l : *lines) {
    std::string row = l;
    for (auto& c : row) c = c == '\t' ? ' ' : c;
    std::printf("  %s\n", row.c_str());
  }
  return 0;
}

int sandbox_warm(Context& ctx, const WarmOptions& w) {
  config::Config config = load_config_or_die(ctx);
  std::string warning;
  auto accel = sandbox::microvm::choose_accel(config.microvm.accel, sandbox::microvm::probe_accel(), warning);
  if (!accel) throw Fatal(exit_code::k_sandbox_unavailable, accel.error().message);
  if (!warning.empty()) std::fprintf(stderr, "vg: warning: %s\n", warning.c_str());
  auto options = sandbox::microvm::default_asset_options();
  options.progress = [](const std::string& line) { std::fprintf(stderr, "vg: microvm: %s\n", line.c_str()); };
  auto assets = sandbox::microvm::ensure_assets(options);
  if (!assets) throw Fatal(exit_code::k_sandbox_unavailable, "guest assets: " + assets.error().message);
  if (sandbox::microvm::templates_enabled()) {
    auto to = sandbox::microvm::template_options(*assets, *accel, config.microvm.memory >> 20);
    to.progress = options.progress;
    auto found = sandbox::microvm::find_template(to);
    if (!found.found && !found.missing) std::fprintf(stderr, "vg: microvm: %s; rebuilding it\n", found.why.c_str());
    auto built = found.found ? Result<sandbox::microvm::Template>(found.tmpl)
                             : sandbox::microvm::build_template(to);
    if (!built) throw Fatal(exit_code::k_sandbox_unavailable, "guest template: " + built.error().message);
    std::fprintf(stderr, "vg: microvm guest template ready: %s\n", built->key.c_str());
  }
  sandbox::microvm::PoolOptions po;
  po.exclude = config.sandbox.exclude;
  po.workspace = config.project_root;
  po.assets = *assets;
  po.accel = *accel;
  po.memory_mb = config.microvm.memory >> 20;
  po.size = config.microvm.pool_size > 0 ? config.microvm.pool_size : 1;
  auto started = sandbox::microvm::warm_pool(po, w.wait ? w.timeout * 1000 : 0);
  if (!started) throw Fatal(exit_code::k_sandbox_unavailable, started.error().message);
  std::fprintf(stderr, "vg: %s\n", started->c_str());
  return 0;
}

void register_sandbox(CLI::App& app, Context& ctx) {
  auto* sandbox = app.add_subcommand("sandbox", "Inspect and prepare sandbox backends (the microVM warm pool)");
  sandbox->require_subcommand(1);
  auto* status = sandbox->add_subcommand("status", "Show the microVM guest template and warm pool");
  status->callback([&ctx] { ctx.exit_code = sandbox_status(ctx); });
  auto w = std::make_shared<WarmOptions>();
  auto* warm =
      sandbox->add_subcommand("warm", "Build the microVM guest template and boot pooled guests for this project");
  warm->add_flag("--wait", w->wait, "Wait until a guest is ready");
  warm->add_option("--timeout", w->timeout, "Seconds to wait with --wait (default 300)");
  warm->callback([&ctx, w] { ctx.exit_code = sandbox_warm(ctx, *w); });
  auto* stop = sandbox->add_subcommand("stop", "Stop the microVM warm pool and its guests");
  stop->callback([&ctx] {
    bool stopped = sandbox::microvm::stop_pool();
    std::fprintf(stderr, "vg: %s\n", stopped ? "warm pool stopped" : "no warm pool was running");
    ctx.exit_code = 0;
  });
}

const CommandRegistration k_registration{"sandbox", register_sandbox};
}  // namespace
}  // namespace vg
