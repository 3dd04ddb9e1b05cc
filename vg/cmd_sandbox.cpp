// `vg sandbox status` shows the microVM warm pool; `vg sandbox warm` starts
// (or refills) it for the current project; `vg sandbox stop` ends it.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "config/exit_codes.hpp"
#include "config/result.hpp"
#include "sandbox/microvm/accel.hpp"
#include "sandbox/microvm/assets.hpp"
#include "sandbox/microvm/pool.hpp"
#include "sandbox/microvm/pool_client.hpp"
#include "vg/command.hpp"
#include "vg/context.hpp"

namespace vg {
namespace {

struct WarmOptions {
  bool wait = false;
  int timeout = 300;
};

int sandbox_status() {
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
  sandbox::microvm::PoolOptions po;
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
  auto* status = sandbox->add_subcommand("status", "Show the microVM warm pool");
  status->callback([&ctx] { ctx.exit_code = sandbox_status(); });
  auto w = std::make_shared<WarmOptions>();
  auto* warm = sandbox->add_subcommand("warm", "Boot microVM guests for this project ahead of time");
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
