#pragma once
// The built-in rule packs (config/rules/*.yaml), validated and serialized at
// build time by risk/tools/rulec.cpp.

#include <string_view>

namespace vg::risk {

// Return the blob to pass to RuleSet::load_blob.
std::string_view builtin_rules_blob();

}  // namespace vg::risk
