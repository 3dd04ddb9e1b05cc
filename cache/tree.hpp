#pragma once
// The workspace as an input: every path below the project root with its
// kind, mode and content digest, sorted, digested through the stat cache.
//
// What is left out, and why:
// - paths matching the config's `sandbox.exclude` globs: the sandbox hides
//   them, so a run cannot read them (a pattern without '/' matches any path
//   component by name; one with '/' matches the relative path, '*' not
//   crossing '/');
// - nothing of `.git` is left out, but files under `.git/objects/` are keyed
//   by name and size only: a loose object's or pack's name is the digest of
//   its content, so reading them would add cost and no information.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cache/stat_cache.hpp"
#include "config/result.hpp"

namespace vg::cache {

// One path of the workspace.
struct TreeEntry {
  enum class Kind : std::uint8_t { file = 1, dir = 2, symlink = 3, other = 4, addressed = 5 };
  std::string path;  // relative to the root, '/'-separated
  Kind kind = Kind::file;
  std::uint32_t mode = 0;  // permission bits (07777)
  std::string digest;      // content (file), target (symlink), size (addressed)
  bool operator==(const TreeEntry&) const = default;
};

// A snapshot of the workspace, sorted by path.
struct Tree {
  std::vector<TreeEntry> entries;
  // Return the digest of the whole tree.
  std::string digest() const;
  // Serialize for storage; `decode` reads it back (false when malformed).
  std::string encode() const;
  static bool decode(std::string_view data, Tree& out);
  // Return the entry for `path`, or nullptr.
  const TreeEntry* find(std::string_view path) const;
};

// How to walk.
struct WalkOptions {
  std::string root;                    // absolute path of the project root
  std::vector<std::string> excludes;   // sandbox.exclude globs
  std::size_t max_entries = 200'000;   // larger workspaces are not cached
  int threads = 2;                     // directories read at once (cache/scan.hpp)
};

// Walk `options.root` (scan_tree, then digest_scan). An Error when the tree is too large or a file could
// not be read or changed while being read (the caller does not cache then).
Result<Tree> walk_tree(const WalkOptions& options, StatCache& stats);

// True when relative `path` is hidden by one of `excludes`.
bool excluded(std::string_view path, const std::vector<std::string>& excludes);

// Return a one-line description of how `a` and `b` differ ("" when equal),
// naming up to `limit` paths: "src/a.c changed, b.txt added".
std::string describe_difference(const Tree& a, const Tree& b, std::size_t limit = 5);

}  // namespace vg::cache
