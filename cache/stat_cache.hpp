#pragma once
// The stat cache: content digests remembered by (size, mtime, ctime, inode,
// device, mode), like git's index. A record is trusted only when the file
// was hashed at least two seconds after its last change ("racy git"): a
// file changed within the same timestamp tick as the hashing could
// otherwise keep its stat data and change its content unseen.

#include <sys/stat.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "config/result.hpp"

namespace vg::cache {

// The stat fields that identify one version of a file.
struct FileStat {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;
  std::uint64_t ino = 0;
  std::uint64_t dev = 0;
  std::uint32_t mode = 0;
  bool operator==(const FileStat&) const = default;
};

// Return the fields of `st`.
FileStat file_stat(const struct stat& st);

// One remembered digest.
struct StatRecord {
  FileStat stat;
  std::string digest;          // hex SHA-256 of the content
  std::int64_t hashed_at_ns = 0;  // wall clock when the content was read
};

// Records kept this close to a file's last change are re-checked by content.
inline constexpr std::int64_t k_racy_window_ns = 2'000'000'000;

// Which records `StatCache::encode` writes, relative to a path prefix.
enum class Select { all_inside, changed_inside, changed_outside };

class StatCache {
 public:
  using Clock = std::function<std::int64_t()>;  // wall clock, ns since epoch
  StatCache();

  // Return the content digest of `name` in directory `dirfd` (whose stat is
  // `st`), remembered under `path`. Hashes the file unless a trusted record
  // matches. An Error when it cannot be read or changed while being read.
  Result<std::string> digest(int dirfd, const char* name, const std::string& path, const FileStat& st);
  // Same for an absolute `path` (stat'ed here, symlinks followed).
  Result<std::string> digest(const std::string& path);

  // True when `record` can be used for a file whose stat is `st`.
  static bool trusted(const StatRecord& record, const FileStat& st);

  // Number of files whose content was read since construction.
  std::size_t hashed() const { return m_hashed; }
  // True when a record changed in a way worth saving (new, different, or
  // trusted now where it was not: a racy file that has aged).
  bool dirty() const { return !m_changed.empty(); }
  void clear_dirty() { m_changed.clear(); }
  const std::unordered_map<std::string, StatRecord>& records() const { return m_records; }
  // Set the record of `path` (marked changed).
  void put(const std::string& path, StatRecord r) {
    m_records[path] = std::move(r);
    m_changed.insert(path);
  }
  // Add `r` for `path` unless a record is there already (not marked changed:
  // a record carried by a cache entry, checked like any other).
  void remember(const std::string& path, const StatRecord& r) { m_records.emplace(path, r); }
  // Take the records of `other` (as merge does: not marked changed, and not
  // over records this process changed).
  void absorb(StatCache&& other);
  // Replace the wall clock (tests).
  void set_clock(Clock clock) { m_clock = std::move(clock); }

  // Serialize the records whose path starts with `prefix` ("" = all), or
  // only the changed ones inside or outside `prefix` (what a save writes).
  std::string encode(std::string_view prefix = {}, Select which = Select::all_inside) const;
  // Merge records from `data` (written by encode); false when malformed
  // (then nothing is merged). Merged records are not marked changed and do
  // not replace records this process changed.
  bool merge(std::string_view data);

 private:
  bool selected(const std::string& path, std::string_view prefix, Select which) const;

  std::unordered_map<std::string, StatRecord> m_records;
  std::unordered_set<std::string> m_changed;
  Clock m_clock;
  std::size_t m_hashed = 0;
};

// Hash the open file `fd` whose stat was `before`; an Error when it changed
// while being read.
Result<std::string> hash_fd(int fd, const FileStat& before, const std::string& path);

}  // namespace vg::cache
