#include "cache/why.hpp"

#include <map>

namespace vg::cache {
namespace {

std::string list_diff(const std::vector<std::pair<std::string, std::string>>& a,
                      const std::vector<std::pair<std::string, std::string>>& b) {
  std::map<std::string, std::string> old_map(a.begin(), a.end()), new_map(b.begin(), b.end());
  std::vector<std::string> notes;
  for (const auto& [k, v] : new_map) {
    auto it = old_map.find(k);
    if (it == old_map.end()) notes.push_back(k + " added");
    else if (it->second != v) notes.push_back(k + " changed");
  }
  for (const auto& [k, v] : old_map) {
    if (!new_map.count(k)) notes.push_back(k + " removed");
  }
  std::string out;
  for (std::size_t i = 0; i < notes.size() && i < 8; ++i) out += (i ? ", " : "") + notes[i];
  if (notes.size() > 8) out += ", and " + std::to_string(notes.size() - 8) + " more";
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

}  // namespace

std::vector<IngredientDiff> compare(const Ingredients& stored, const Ingredients& now, const Tree* stored_tree,
                                    const Tree& now_tree) {
  auto a = stored.digests();
  auto b = now.digests();
  std::vector<IngredientDiff> out;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    IngredientDiff d{a[i].first, a[i].second == b[i].second, {}};
    if (!d.same) {
      const std::string& n = d.name;
      if (n == "command") d.detail = "stored '" + joined(stored.argv) + "', now '" + joined(now.argv) + "'";
      else if (n == "cwd") d.detail = "stored " + stored.cwd + ", now " + now.cwd;
      else if (n == "env") d.detail = list_diff(stored.env, now.env);
      else if (n == "programs") d.detail = list_diff(stored.programs, now.programs);
      else if (n == "terminal") d.detail = "stored '" + stored.terminal + "', now '" + now.terminal + "'";
      else if (n == "profile") d.detail = "the sandbox settings differ";
      else if (n == "salt") d.detail = "sandbox.cache_salt changed";
      else if (n == "inputs") {
        d.detail = stored_tree ? describe_difference(*stored_tree, now_tree) : "the workspace differs";
        if (d.detail.empty()) d.detail = "the workspace differs";
      }
    }
    out.push_back(std::move(d));
  }
  return out;
}

int nearest(const std::vector<Entry>& entries, const Ingredients& now) {
  int best = -1;
  int best_score = -1;
  auto mine = now.digests();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    auto theirs = entries[i].ingredients.digests();
    int score = 0;
    for (std::size_t k = 0; k < mine.size() && k < theirs.size(); ++k) {
      // The command counts most: "the same command, run differently" is what a user asks about.
      if (mine[k].second == theirs[k].second) score += k == 0 ? 100 : 1;
    }
    if (score > best_score ||
        (score == best_score && entries[i].last_used_ns > entries[std::size_t(best)].last_used_ns)) {
      best = int(i);
      best_score = score;
    }
  }
  return best;
}

}  // namespace vg::cache
