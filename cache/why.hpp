#pragma once
// `vg cache why`: which ingredient of a key differs from the nearest stored
// entry, in words.

#include <string>
#include <vector>

#include "cache/entry.hpp"
#include "cache/key.hpp"
#include "cache/tree.hpp"

namespace vg::cache {

// One ingredient compared.
struct IngredientDiff {
  std::string name;    // "command", "cwd", "env", "programs", "profile", "terminal", "salt", "inputs"
  bool same = true;
  std::string detail;  // what differs ("PATH changed, FOO added", "src/a.c changed")
};

// Compare the ingredients of `stored` with `now`; `stored_tree` (may be
// null) and `now_tree` name the input files that differ.
std::vector<IngredientDiff> compare(const Ingredients& stored, const Ingredients& now, const Tree* stored_tree,
                                    const Tree& now_tree);

// Return the index in `entries` sharing the most ingredients with `now`
// (the most recently used wins a tie); -1 when `entries` is empty.
int nearest(const std::vector<Entry>& entries, const Ingredients& now);

}  // namespace vg::cache
