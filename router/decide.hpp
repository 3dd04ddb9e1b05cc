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
  bool trusted = false;             // a trust entry sent it to the host
};

// Decide the route for `assessment` under `config`, honouring `override`
// where policy allows and `trusted` (a matching trust entry) where it may.
Decision decide(const config::Config& config, const risk::Assessment& assessment, Override override, bool trusted);

// Name of a route as printed and logged ("host", "sandbox", "ask", "refuse").
const char* to_string(Route r);

}  // namespace vg::router
