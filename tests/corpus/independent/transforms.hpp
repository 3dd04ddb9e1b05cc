#pragma once
// Meaning-preserving rewrites of shell commands for the metamorphic test: each
// returns the rewritten command, or nothing where it would not preserve meaning.

#include <optional>
#include <string>
#include <vector>

namespace vg::corpus {

using Rewrite = std::optional<std::string> (*)(const std::string&);

struct Transform {
  const char* name;
  Rewrite apply;
};

// Rewrites for dangerous rows: the level must never drop.
const std::vector<Transform>& dangerous_transforms();
// Rewrites that keep a harmless command harmless: the level must never rise.
const std::vector<Transform>& harmless_transforms();

// Helpers, exposed for the transforms' own composition.
std::string single_quoted(const std::string& s);
std::string base64(const std::string& s);

}  // namespace vg::corpus
