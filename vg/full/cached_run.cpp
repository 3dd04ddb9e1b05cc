// The sandbox route through the result cache (see vg/cached_run.hpp).
#include "vg/cached_run.hpp"

#include <optional>

#include "cache/setup.hpp"
#include "config/result.hpp"

namespace vg {

void hand_off_early(Context&) {}

CachedOutcome run_cached(Context& ctx, const CachedRun& run) {
  CachedOutcome out;
  auto inputs = cache::key_inputs(run.config, run.spec.argv, run.spec.env, run.spec.cwd, run.executables);
  inputs.workspace = run.spec.workspace;
  cache::ExecCache cached(cache::store_options(run.config), cache::exec_request(run.config, std::move(inputs)));
  cached.set_refresh(run.refresh);
  cached.set_marker([&ctx](const char* phase) { ctx.stats.mark(phase); });  // --debug=stats
  if (auto code = cached.try_replay()) {
    out.hit = true;
    out.exit_code = *code;
    ctx.stats.mark("cache hit");
    run.before_run();
    return out;
  }
  ctx.stats.mark("cache lookup");
  run.before_run();
  std::optional<Result<sandbox::Outcome>> result;
  out.exit_code = cached.run_and_store([&] {
    // A run that may be stored is traced, so it can be keyed on what it used.
    sandbox::Spec spec = run.spec;
    spec.trace = cached.recording();
    if (spec.trace) spec.env = cache::without_volatile(spec.env);  // given what it is keyed on
    result.emplace(run.launcher.run(spec));
    cache::RunReport r;
    if (!*result) {
      r.started = false;
      return r;
    }
    const sandbox::Outcome& o = result->value();
    r.exit_code = o.exit_code;
    r.signaled = o.signaled;
    r.timed_out = o.timed_out;
    r.used_network = o.used_network;
    r.read_terminal = o.read_terminal;
    r.left_processes = o.left_processes;
    r.traced = spec.trace && o.traced;
    r.read_stdin = o.read_stdin;
    r.untraced_reason = o.untraced_reason;
    r.executed = o.executed;
    r.entropy = o.entropy;
    r.stated = o.stated;
    r.inputs.reserve(o.inputs.size());
    for (const auto& [path, use] : o.inputs) r.inputs.emplace_back(path, static_cast<cache::InputUse>(use));
    for (const auto& c : o.changes) {
      if (!c.accepted) r.refused_changes = true;
      if (!c.accepted) continue;
      r.changed_paths.push_back(c.path);
      if (!c.from.empty()) r.changed_paths.push_back(c.from);
    }
    return r;
  });
  if (result && !*result) out.unavailable = result->error().message;
  out.not_stored = cached.skipped_reason();
  if (!cached.skipped_detail().empty()) out.not_stored += ": " + cached.skipped_detail();
  return out;
}

}  // namespace vg
