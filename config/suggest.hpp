#pragma once
// "Did you mean": the nearest candidate to a misspelt word.

#include <string>
#include <string_view>
#include <vector>

namespace vg {

// Return the candidate closest to `word` by edit distance, or "" when none is
// close enough to be a plausible typo (distance > max(2, size/3)).
std::string nearest(std::string_view word, const std::vector<std::string>& candidates);

// Return the Levenshtein distance between `a` and `b`.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace vg
