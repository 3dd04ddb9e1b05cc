#pragma once
// A repository's .vg.yaml may tighten the user's policy but not loosen it
// (unless the user trusted that exact file; see config/trust.hpp).

#include <string>
#include <vector>

#include "config/config.hpp"

namespace vg::config {

// Undo in `candidate` (the lower layers plus the repository file
// `repo_file`) every value that is looser than in `base` (the lower layers
// alone), keeping `base`'s value and origin. Returns one note per value
// undone; an empty result means the repository file only tightened.
std::vector<std::string> keep_tighten_only(const Config& base, Config& candidate, const std::string& repo_file);

}  // namespace vg::config
