#include "sandbox/policy/glob.hpp"

#include <fnmatch.h>

namespace vg::sandbox::policy {

namespace {

std::vector<std::string> split(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t slash = s.find('/', start);
    if (slash == std::string_view::npos) slash = s.size();
    if (slash > start) out.emplace_back(s.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

// Match pattern segments [pi..] against path segments [si..]; the path may
// have extra trailing segments (a match of a parent directory).
bool match_segments(const std::vector<std::string>& pat, size_t pi, const std::vector<std::string>& path,
                    size_t si) {
  if (pi == pat.size()) return true;
  if (pat[pi] == "**") {
    for (size_t k = si; k <= path.size(); ++k) {
      if (match_segments(pat, pi + 1, path, k)) return true;
    }
    return false;
  }
  if (si == path.size()) return false;
  if (fnmatch(pat[pi].c_str(), path[si].c_str(), 0) != 0) return false;
  return match_segments(pat, pi + 1, path, si + 1);
}

}  // namespace

bool has_wildcard(std::string_view pattern) { return pattern.find_first_of("*?[") != std::string_view::npos; }

bool glob_match(std::string_view pattern, std::string_view path) {
  while (pattern.starts_with("./")) pattern.remove_prefix(2);
  while (pattern.starts_with("/")) pattern.remove_prefix(1);
  while (!pattern.empty() && pattern.back() == '/') pattern.remove_suffix(1);
  if (pattern.empty()) return false;
  auto segs = split(path);
  if (pattern.find('/') == std::string_view::npos) {
    std::string pat(pattern);
    for (const auto& s : segs) {
      if (fnmatch(pat.c_str(), s.c_str(), 0) == 0) return true;
    }
    return false;
  }
  return match_segments(split(pattern), 0, segs, 0);
}

const std::string* first_match(const std::vector<std::string>& patterns, std::string_view path) {
  for (const auto& p : patterns) {
    if (glob_match(p, path)) return &p;
  }
  return nullptr;
}

}  // namespace vg::sandbox::policy
