#pragma once
// The router: turn an Assessment into a decision. Decides; runs nothing.

#include <string>
#include <vector>

#include "config/config.hpp"
#include "risk/assessment.hpp"

namespace vg::router {

enum class Route { host, sandbox, ask, refuse };

// Per-command overrides from the command line.
enum class Override { none, sandbox, host };

struct Decision {
  Route route = Route::refuse;
  std::string backend;              // runtime for Route::sandbox ("namespace", "microvm", "mock")
  std::string reason;               // one line: why this route
  std::vector<std::string> notes;   // extra lines for the user (e.g. an override that was not allowed)
  std::string hint;                 // for Route::refuse: how to proceed
  bool trusted = false;             // a trust entry sent it to the host
};

// Decide the route for `assessment` under `config`, honouring `override`
// where policy allows and `trusted` (a matching trust entry) where it may.
// The rules, in order (router/decide_test.cpp asserts every combination):
//  1. critical level and sandbox.block_critical -> refuse (nothing lifts it);
//  2. not understood and sandbox.not_understood: refuse -> refuse (any mode);
//  3. by mode: always -> sandbox; manual, disabled -> host; auto -> the
//     risk_threshold action for the level, but a command that is not fully
//     understood goes to the sandbox (refuse if its level's action is refuse).
//     sandbox.enabled: false counts as mode disabled (risk checks stay on);
//  4. --sandbox turns host or ask into sandbox;
//  5. trust (understood, non-critical commands only) turns sandbox or ask into
//     host, and --host turns sandbox into host; both only where a host route is
//     allowed: always mode needs sandbox.allow_host_override: true. --host
//     never answers a prompt; neither lifts a refusal.
Decision decide(const config::Config& config, const risk::Assessment& assessment, Override override, bool trusted);

// Name of a route as printed and logged ("host", "sandbox", "ask", "refuse").
const char* to_string(Route r);

}  // namespace vg::router
