#pragma once
// The queue directory next to the database. Only one process can hold a
// RocksDB database open for writing, and opening it costs 11-14 ms, so a run
// never waits for another one's write session: it drops its result (or a
// hit / counter event) into the queue with an atomic rename, and whichever
// process next holds the writer lock ingests the queue. A lookup also looks
// in the queue, so a result is visible at once and is never lost when the
// lock is busy.

#include <string>
#include <string_view>
#include <vector>

#include "cache/entry.hpp"
#include "config/result.hpp"

namespace vg::cache {

// Write `data` to `dir/name` atomically (temporary file, then rename).
Result<void> write_atomically(const std::string& dir, const std::string& name, std::string_view data);

// Read the whole file `path` into `out`; false when it cannot be read.
bool read_file(const std::string& path, std::string& out);

// The names in `dir` (no dot files), sorted.
std::vector<std::string> list_names(const std::string& dir);

// A queued result: the entry and the blobs it needs.
struct Bundle {
  Entry entry;
  Blobs blobs;
  std::string encode() const;
  static bool decode(std::string_view data, Bundle& out);
};

// Queue file names. Bundles sort first so events about them apply after.
std::string bundle_name(const std::string& key);
std::string event_name();
std::string stat_update_name();

}  // namespace vg::cache
