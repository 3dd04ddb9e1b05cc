#pragma once
// Scanning the workspace: every path below the root with its kind, mode and
// stat, without reading any content. Directories are read by several
// threads at once (a workspace of 2,000 files costs ~4 ms of lstat calls
// on one core), and the result comes back in the same order as a
// single-threaded depth-first walk with sorted names.

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "cache/stat_cache.hpp"
#include "cache/tree.hpp"
#include "config/result.hpp"

namespace vg::cache {

// One path found by a scan.
struct Scanned {
  std::string path;             // relative to the root, '/'-separated
  TreeEntry::Kind kind = TreeEntry::Kind::other;
  FileStat stat;
  std::string target;           // symlink target
};

// What a scan found, in walk order.
struct Scan {
  std::vector<Scanned> entries;
};

// Scan `options.root` with up to `threads` threads (1 = on the caller's
// thread only). An Error when the tree has more than `options.max_entries`
// entries or some directory or entry cannot be read. Threads start with
// every signal blocked.
Result<Scan> scan_tree(const WalkOptions& options, int threads);

// Turn `scan` into a Tree: file contents digested through `stats` (read
// only when no trusted record matches). An Error when a file cannot be read
// or changed while being read.
Result<Tree> digest_scan(const WalkOptions& options, Scan scan, StatCache& stats);

// Start a thread running `fn` with every signal blocked, so it never takes
// a signal meant for vg (a launcher waits for SIGCHLD on a signalfd).
std::thread quiet_thread(std::function<void()> fn);

}  // namespace vg::cache
