#include "cache/tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "cache/codec.hpp"
#include "cache/scan.hpp"
#include "config/sha256.hpp"

namespace vg::cache {
namespace {

bool component_matches(std::string_view path, const std::string& pattern) {
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string part(path.substr(start, end - start));
    if (::fnmatch(pattern.c_str(), part.c_str(), FNM_PERIOD) == 0) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

bool excluded(std::string_view path, const std::vector<std::string>& excludes) {
  for (const auto& raw : excludes) {
    std::string pattern = raw;
    while (pattern.size() > 1 && pattern.back() == '/') pattern.pop_back();
    if (pattern.starts_with("./")) pattern = pattern.substr(2);
    if (pattern.empty()) continue;
    if (pattern.find('/') == std::string::npos) {
      if (component_matches(path, pattern)) return true;
      continue;
    }
    if (pattern.front() == '/') pattern = pattern.substr(1);
    // The pattern names a path, or a directory whose contents are hidden too.
    std::string p(path);
    if (::fnmatch(pattern.c_str(), p.c_str(), FNM_PATHNAME | FNM_PERIOD) == 0) return true;
    for (std::size_t slash = p.find('/'); slash != std::string::npos; slash = p.find('/', slash + 1)) {
      if (::fnmatch(pattern.c_str(), p.substr(0, slash).c_str(), FNM_PATHNAME | FNM_PERIOD) == 0) return true;
    }
  }
  return false;
}

Result<Tree> walk_tree(const WalkOptions& options, StatCache& stats) {
  auto scan = scan_tree(options, options.threads);
  if (!scan) return scan.error();
  return digest_scan(options, std::move(*scan), stats);
}

std::string Tree::digest() const {
  config::Sha256 h;
  h.update_field("vg-tree-1");
  for (const auto& e : entries) {
    h.update_field(e.path);
    h.update_field(std::string(1, char(e.kind)) + std::to_string(e.mode));
    h.update_field(e.digest);
  }
  return h.finish_hex();
}

std::string Tree::encode() const {
  Writer w;
  w.str("vgtree1");
  w.u64(entries.size());
  for (const auto& e : entries) {
    w.str(e.path);
    w.u64(std::uint64_t(e.kind));
    w.u64(e.mode);
    w.str(e.digest);
  }
  return w.take();
}

bool Tree::decode(std::string_view data, Tree& out) {
  Reader r(data);
  if (r.str() != "vgtree1") return false;
  std::uint64_t n = r.count();
  out.entries.clear();
  out.entries.reserve(n);
  for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
    TreeEntry e;
    e.path = r.str();
    e.kind = TreeEntry::Kind(r.u64());
    e.mode = std::uint32_t(r.u64());
    e.digest = r.str();
    out.entries.push_back(std::move(e));
  }
  return r.ok();
}

const TreeEntry* Tree::find(std::string_view path) const {
  auto it = std::lower_bound(entries.begin(), entries.end(), path,
                             [](const TreeEntry& e, std::string_view p) { return e.path < p; });
  return it != entries.end() && it->path == path ? &*it : nullptr;
}

std::string describe_difference(const Tree& a, const Tree& b, std::size_t limit) {
  std::vector<std::string> notes;
  std::size_t total = 0;
  auto note = [&](std::string s) {
    if (notes.size() < limit) notes.push_back(std::move(s));
    ++total;
  };
  std::size_t i = 0, j = 0;
  while (i < a.entries.size() || j < b.entries.size()) {
    if (j == b.entries.size() || (i < a.entries.size() && a.entries[i].path < b.entries[j].path)) {
      note(a.entries[i++].path + " removed");
    } else if (i == a.entries.size() || b.entries[j].path < a.entries[i].path) {
      note(b.entries[j++].path + " added");
    } else {
      if (!(a.entries[i] == b.entries[j])) {
        note(a.entries[i].mode != b.entries[j].mode && a.entries[i].digest == b.entries[j].digest
                 ? a.entries[i].path + " mode changed"
                 : a.entries[i].path + " changed");
      }
      ++i;
      ++j;
    }
  }
  std::string out;
  for (const auto& n : notes) out += (out.empty() ? "" : ", ") + n;
  if (total > notes.size()) out += ", and " + std::to_string(total - notes.size()) + " more";
  return out;
}

}  // namespace vg::cache
