#pragma once
// The mock sandbox runtime: runs nothing. It records the Spec it was asked to
// run and returns the outcome configured in `mock:`, so the router and
// everything above it can be tested on hosts without namespaces.

#include <memory>

#include "config/config.hpp"
#include "sandbox/launcher.hpp"

namespace vg::sandbox {

// Create a mock launcher answering with `mock` (exit code, output, fail_start)
// and appending each Spec as one JSON line to `mock.record_path` when set.
std::unique_ptr<Launcher> make_mock_launcher(const config::Mock& mock);

// Return `spec` as one JSON object (no newline), as the mock records it.
std::string spec_to_json(const Spec& spec);

}  // namespace vg::sandbox
