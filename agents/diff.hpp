#pragma once
// A unified diff of two texts, for `vg connect --dry-run`.

#include <string>

namespace vg::agents {

// Return the unified diff (3 lines of context) that turns `before` into
// `after`, under the headers `--- label` / `+++ label`; "" when they are equal.
std::string unified_diff(const std::string& before, const std::string& after, const std::string& label);

}  // namespace vg::agents
