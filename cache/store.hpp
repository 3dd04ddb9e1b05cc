#pragma once
// The result store: RocksDB with column families
//   entries  key -> Entry
//   blobs    content id -> bytes (LZ4-compressed blocks; outputs and files
//            over 4 KiB are cut into 1 MiB content-addressed chunks)
//   stat     workspace root -> stat cache records
//   lru      be64(last used) + key -> be64(created) + be64(size)
//   stats    counter name -> be64 count
//
// Concurrency (many vg processes at once): only one process can open a
// RocksDB database read-write, and opening costs 11-14 ms, while a read-only
// open costs ~5 ms and takes no lock. So:
// - lookups open the database read-only (lazily, only when a cached run is
//   attempted — the host route never opens it) and also look in the queue;
// - results, hits and counters are first written to the queue directory
//   with an atomic rename (cheap, never blocks, never lost);
// - a write session takes an flock on `writer.lock` (non-blocking, with
//   backoff up to a deadline), opens read-write, ingests the whole queue,
//   evicts (TTL, then LRU past `cache_size`), flushes and closes. A process
//   that cannot get the lock in time leaves its files for the next session.
// A corrupt or unreadable database is reported, renamed aside (never
// deleted) and rebuilt; every failure degrades to "no cache", never to a
// failed command.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cache/entry.hpp"
#include "cache/stat_cache.hpp"
#include "config/result.hpp"

namespace vg::cache {

struct StoreOptions {
  std::string dir;                                  // holds db/, queue/, writer.lock
  std::uint64_t max_size = 1ull << 30;              // sandbox.cache_size
  std::uint64_t ttl_seconds = 7 * 24 * 3600;        // sandbox.cache_ttl; 0 = no expiry
  int lock_wait_ms = 3000;                          // how long a write session waits for the lock
  std::function<void(const std::string&)> warn;     // default: "vg: warning: ..." on stderr
  std::function<std::int64_t()> clock;              // wall clock ns; default system_clock
};

// What `vg cache stats` shows.
struct StoreStats {
  std::map<std::string, std::uint64_t> counters;  // hits, misses, stored, evicted, uncacheable.*
  std::uint64_t entries = 0;
  std::uint64_t bytes = 0;        // logical size of all entries
  std::uint64_t queued = 0;       // files waiting in the queue
  std::uint64_t disk_bytes = 0;   // size of the database files
};

// Whether a write session may wait for the lock.
enum class Wait { no, yes };

// When `Store::settle` runs a write session.
enum class Settle { now, if_long };

// Queue files that make a lookup-only process run a write session.
inline constexpr std::size_t k_queue_limit = 64;

class Store {
 public:
  explicit Store(StoreOptions options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::string& dir() const { return m_options.dir; }

  // Return the stat cache records for `root` and for programs (empty on any problem).
  StatCache stat_cache(const std::string& root);
  // Merge the stored records of `root` ("/" for programs and other paths
  // outside workspaces) into `stats`.
  void load_stat_records(const std::string& root, StatCache& stats);
  // Return the entry for `key`, from the queue or the database; nullopt when
  // absent, expired (`why` = "expired"), or unreadable (`why` says so).
  std::optional<Entry> lookup(const std::string& key, std::string* why = nullptr);
  // Every unexpired entry whose key starts with `prefix`, newest first, from
  // the queue and the database (the traced entries of one command).
  std::vector<Entry> lookup_prefix(const std::string& prefix);
  // Fetch blob `id` into `out`; false when missing.
  bool fetch(const std::string& id, std::string& out);

  // Queue `entry` with its `blobs`, then try a write session (Wait::no).
  Result<void> put(const Entry& entry, const Blobs& blobs);
  // Queue the changed records of `stats` under `root` (workspace) and "/" (programs).
  void save_stat_cache(const std::string& root, const StatCache& stats);
  // After a hit (which only queues): ingest the queue now, or only when it
  // holds k_queue_limit files or more, so that hits alone never let it grow
  // without bound and a re-hashed record is stored once, not re-hashed on
  // every hit. Never waits for another writer.
  void settle(Settle when);
  // Queue a hit on `key`.
  void note_hit(const std::string& key);
  // Queue an increment of counter `name` ("misses", "uncacheable.network").
  void note(const std::string& name);
  // Run a write session: ingest the queue, evict. With Wait::no, return
  // without error when another process holds the lock.
  Result<void> flush(Wait wait);

  // Every entry (after a flush), newest first.
  Result<std::vector<Entry>> entries();
  // Remove the entries whose key starts with `prefix`; an Error when no or
  // several entries match (unless `all_matching`). Returns the count.
  Result<std::size_t> remove(const std::string& prefix, bool all_matching = false);
  // Remove every entry and blob (counters are kept).
  Result<void> clear();
  // Counters and sizes (after a flush).
  Result<StoreStats> stats();

  // Close the read-only handle (before a write session in the same process).
  void close_reader();

 private:
  class Session;
  bool open_reader();
  void warn(const std::string& message) const;
  std::int64_t now() const;
  Result<void> with_session(Wait wait, const std::function<Result<void>(Session&)>& fn);

  struct ReadHandle;
  StoreOptions m_options;
  std::unique_ptr<ReadHandle> m_reader;
  bool m_reader_failed = false;
  Blobs m_queued_blobs;  // blobs of an entry found in the queue
};

// The default cache directory: $XDG_CACHE_HOME/vg/results (from config::dirs).
std::string default_store_dir();

}  // namespace vg::cache
