#pragma once
// Which paths of a tree a sandbox must cover before its command starts:
// `.env*` at every depth (.git too) and the config's `exclude`
// matches, and any other name (hard link) of such a file. Shared by the
// namespace and microVM backends.
//
// Listing every directory on every start costs about 1.7 us an entry, which
// a tree the size of a node project pays in tens of milliseconds. So a walk
// is remembered between runs, one index a tree, in vg's cache directory: a
// directory whose device, inode and ctime are as recorded (and whose ctime
// was at least a second old when it was listed, so no entry could have come
// in the same clock tick unseen) is not listed again. A start then pays one
// stat a directory. ctime, unlike mtime, cannot be set back by a program
// (tar, rsync -t), so an entry added since is never missed. The index is
// only an aid: one that is missing, unreadable or from another version is
// ignored and the tree walked whole.

#include <cstddef>
#include <string>
#include <vector>

#include "config/result.hpp"

namespace vg::sandbox {

// 1,000,000 entries, or less when VG_TEST_SECRET_WALK_LIMIT asks for less
// (tests of the refusal use it; it can never raise the limit).
std::size_t default_walk_limit();

struct SecretWalk {
  std::string root;                  // the tree (a real path)
  std::vector<std::string> exclude;  // `exclude` globs and paths ("" entries ignored)
  std::string index_dir;             // where walks are remembered; "" walks whole every time
  std::size_t entry_limit = default_walk_limit();  // past this, hiding could not be complete
};

struct SecretPaths {
  std::vector<std::string> paths;  // host paths that match, sorted (files, directories, links)
  std::vector<std::string> unlisted;  // directories vg could not list: covered whole
  std::size_t entries = 0;         // entries in the tree (the walk's size)
  std::size_t listed = 0;          // directories listed this time (the rest came from the index)
};

// Walk `w.root`. An Error when hiding cannot be complete (more than
// `entry_limit` entries): the caller does not start the sandbox.
Result<SecretPaths> find_secret_paths(const SecretWalk& w);

// True when `name` (one path component) or `rel` (the path below the
// root) matches the built-in secret patterns or one of `exclude`.
bool is_secret_name(const std::string& name, const std::string& rel, const std::vector<std::string>& exclude);

}  // namespace vg::sandbox
