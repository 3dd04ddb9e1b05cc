// `vg cache` in the light build: the cache lives in `vg-full` (vg/handoff.hpp).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>

#include "config/exit_codes.hpp"
#include "vg/command.hpp"
#include "vg/context.hpp"
#include "vg/handoff.hpp"

namespace vg {
namespace {

bool wants_cache(const Context& ctx) {
  if (ctx.command == "cache") return true;
  // `vg help cache`
  auto at = static_cast<std::size_t>(ctx.command_index) + 1;
  return ctx.command == "help" && at < ctx.argv.size() && ctx.argv[at] == "cache";
}

void register_cache(CLI::App& app, Context& ctx) {
  if (wants_cache(ctx)) {
    std::string why = exec_full(ctx.argv);
    std::fprintf(stderr, "vg: error: %s (vg cache runs in vg-full, built and installed beside vg)\n", why.c_str());
    std::exit(exit_code::k_internal);
  }
  app.add_subcommand("cache", "Inspect and manage the result cache")->allow_extras();
}

const CommandRegistration k_registration{"cache", register_cache};

}  // namespace
}  // namespace vg
