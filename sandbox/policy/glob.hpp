#pragma once
// Exclude globs, matched against paths relative to a volume root.

#include <string>
#include <string_view>
#include <vector>

namespace vg::sandbox::policy {

// Match relative `path` against `pattern`: a pattern without '/' matches a
// name at any depth (".env*", "*.pem"); with '/', it is anchored at the root
// and "**" spans any number of directories ("secrets/**", "**/id_rsa").
// A path also matches when one of its parent directories matches.
bool glob_match(std::string_view pattern, std::string_view path);

// Return the first of `patterns` that matches `path`, or nullptr.
const std::string* first_match(const std::vector<std::string>& patterns, std::string_view path);

// True when `pattern` contains a wildcard (*, ?, [).
bool has_wildcard(std::string_view pattern);

}  // namespace vg::sandbox::policy
