// The routing policy. Every rule below is one row of the table documented in
// router/decide.hpp and asserted in router/decide_test.cpp.
#include "router/decide.hpp"

namespace vg::router {
namespace {

using config::Action;
using config::Level;
using config::Mode;

Route route_of(Action a) {
  switch (a) {
    case Action::host: return Route::host;
    case Action::sandbox: return Route::sandbox;
    case Action::ask: return Route::ask;
    case Action::refuse: return Route::refuse;
  }
  return Route::refuse;
}

// `sandbox.enabled: false` is read the safe way: it switches the sandbox off
// (the same as mode `disabled`), never the risk checks — critical findings
// and `not_understood: refuse` still refuse, and `--sandbox` still sandboxes.
Mode effective_mode(const config::Sandbox& s) { return s.enabled ? s.mode : Mode::disabled; }

// A route to the host instead of the sandbox is permitted in `always` mode
// only when the config says so; the other modes permit it.
bool host_allowed(const config::Sandbox& s, Mode mode) { return mode != Mode::always || s.allow_host_override; }

std::string first_rule(const risk::Assessment& a, Level level) {
  for (const auto& f : a.findings) {
    if (f.level == level) return f.rule;
  }
  return "";
}

Decision refuse(std::string reason, std::string hint) {
  Decision d;
  d.route = Route::refuse;
  d.reason = std::move(reason);
  d.hint = std::move(hint);
  return d;
}

Decision refuse_by_threshold(Level level) {
  std::string key = std::string("sandbox.risk_threshold.") + config::to_string(level);
  return refuse("level " + std::string(config::to_string(level)) + " -> " + key + ": refuse",
                "if the command is needed, change " + key + " (e.g. to sandbox) in your config");
}

// The route before per-command overrides and trust.
Decision base_decision(const config::Config& config, const risk::Assessment& a, Mode mode) {
  const auto& s = config.sandbox;
  Decision d;
  switch (mode) {
    case Mode::always:
      d.route = Route::sandbox;
      d.reason = "mode 'always' runs every command in the sandbox";
      return d;
    case Mode::manual:
      d.route = Route::host;
      d.reason = "mode 'manual' runs commands on the host unless --sandbox is given";
      return d;
    case Mode::disabled:
      d.route = Route::host;
      d.reason = s.enabled ? "mode 'disabled' runs commands on the host" : "sandbox.enabled is false: commands run on the host";
      return d;
    case Mode::automatic:
      break;
  }
  Action by_level = config::threshold_for(s.risk_threshold, a.level);
  if (!a.understood) {
    // Fail closed: a command vg could not fully read never reaches the host
    // on the strength of its score, nor through a prompt that could say host.
    if (by_level == Action::refuse) return refuse_by_threshold(a.level);
    // (not_understood: refuse was handled before the mode; any other value
    // means the sandbox.)
    d.route = Route::sandbox;
    d.reason = "not fully understood: auto mode never sends it to the host on its score";
    return d;
  }
  if (by_level == Action::refuse) return refuse_by_threshold(a.level);
  d.route = route_of(by_level);
  d.reason = std::string("level ") + config::to_string(a.level) + " -> risk_threshold." + config::to_string(a.level) +
             ": " + config::to_string(by_level);
  return d;
}

}  // namespace

const char* to_string(Route r) {
  switch (r) {
    case Route::host: return "host";
    case Route::sandbox: return "sandbox";
    case Route::ask: return "ask";
    case Route::refuse: return "refuse";
  }
  return "?";
}

Decision decide(const config::Config& config, const risk::Assessment& assessment, Override override, bool trusted) {
  const auto& s = config.sandbox;
  const Mode mode = effective_mode(s);
  const bool critical = assessment.level == Level::critical;

  // 1. Critical findings are refused in every mode, whatever the flags or
  //    trust say, unless the user explicitly set block_critical: false.
  if (critical && s.block_critical) {
    return refuse("critical finding " + first_rule(assessment, Level::critical) +
                      " (critical commands are refused in every mode)",
                  "nothing was run. If you really mean it, run it yourself outside vg; "
                  "sandbox.block_critical: false lifts this rule for every command (not recommended)");
  }
  // 2. An explicit `not_understood: refuse` holds in every mode.
  if (!assessment.understood && s.not_understood == Action::refuse) {
    return refuse("not fully understood and sandbox.not_understood is refuse",
                  "simplify the command (no run-time computed command words), or set "
                  "sandbox.not_understood: sandbox");
  }

  Decision d = base_decision(config, assessment, mode);
  if (d.route == Route::refuse) return d;  // no flag or trust lifts a refusal

  if (override == Override::sandbox) {
    // Asking for more isolation is always allowed.
    if (d.route != Route::sandbox) d.reason = "--sandbox was given";
    d.route = Route::sandbox;
  } else {
    // A trust entry is a remembered approval: it answers a prompt or replaces
    // the sandbox, under the same rule as --host. It never applies to a
    // critical command or to one vg did not fully understand — but for
    // programs its catalogue lacks: trusting your own tool is what a trust
    // entry is for.
    bool may_trust = assessment.understood || assessment.only_uncatalogued;
    if (trusted && !critical && may_trust && (d.route == Route::sandbox || d.route == Route::ask)) {
      if (host_allowed(s, mode)) {
        d.route = Route::host;
        d.reason = "a trust entry matches";
        d.trusted = true;
      } else {
        d.notes.push_back("trust entry ignored: mode 'always' needs sandbox.allow_host_override: true");
      }
    }
    // --host replaces a sandbox route where policy allows; it never answers
    // a prompt or lifts a refusal.
    if (override == Override::host && d.route == Route::sandbox) {
      if (host_allowed(s, mode)) {
        d.route = Route::host;
        d.reason = "--host was given";
      } else {
        d.notes.push_back("--host ignored: mode 'always' needs sandbox.allow_host_override: true");
      }
    } else if (override == Override::host && d.route == Route::ask) {
      d.notes.push_back("--host does not skip the prompt at this level");
    }
  }
  if (d.route == Route::sandbox) d.backend = s.runtime;
  return d;
}

}  // namespace vg::router
