// The light build's cache route: continue in `vg-full` (see vg/handoff.hpp).
#include <algorithm>
#include <cstdio>

#include "vg/cached_run.hpp"
#include "vg/handoff.hpp"

namespace vg {
namespace {
bool g_full_missing = false;  // said once; the rest of this run does without the cache
}  // namespace

void hand_off_early(Context& ctx) {
  if (g_full_missing) return;
  ctx.stats.mark("hand-off");
  ctx.stats.print();
  std::string why = exec_full(ctx.argv);
  std::fprintf(stderr, "vg: warning: %s; running without the result cache\n", why.c_str());
  g_full_missing = true;
}

CachedOutcome run_cached(Context& ctx, const CachedRun& run) {
  // `vg-full` decides again from the same arguments, with --settled-sandbox
  // so a route settled here (at an `ask` prompt, or over a --host that the
  // mode ignores) is not asked or refused again. Forcing the sandbox only
  // ever tightens the route.
  std::vector<std::string> args = ctx.argv;
  std::size_t at = static_cast<std::size_t>(ctx.command_index) + 1;
  if (ctx.command_index > 0 && at <= args.size()) {
    args.insert(args.begin() + static_cast<std::ptrdiff_t>(at), "--settled-sandbox");
  }
  CachedOutcome out;
  out.no_cache = true;
  if (g_full_missing) return out;
  ctx.stats.mark("hand-off");
  run.before_run();
  std::string why = exec_full(args);
  std::fprintf(stderr, "vg: warning: %s; running without the result cache\n", why.c_str());
  g_full_missing = true;
  return out;
}

}  // namespace vg
