#pragma once
// The one adapter between the cache and RocksDB: options, column families,
// opening, and Status -> message. Included only by cache/*.cpp.

#include <rocksdb/db.h>

#include <memory>
#include <string>
#include <vector>

namespace vg::cache::rocks {

// Column families, in open order.
enum Cf : std::size_t { k_default, k_entries, k_blobs, k_stat, k_lru, k_stats, k_cf_count };

// An open database with its column family handles (a read-only one opens
// only default, entries, blobs and stat; the others are null).
struct Db {
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> cf;
  rocksdb::ColumnFamilyHandle* operator[](Cf c) const { return cf[c]; }
  ~Db();
};

enum class Access { read_only, read_write };

// Open the database at `path`.
rocksdb::Status open(const std::string& path, Access access, std::unique_ptr<Db>& out);

// Flush memtables so that the next read-only open needs no WAL replay.
rocksdb::Status flush(Db& db);

// True when `s` means the files are damaged or not a database (move aside),
// rather than a condition of the machine (no space, no permission).
bool damaged(const rocksdb::Status& s);

// "Corruption: ..." with the database path.
std::string describe(const rocksdb::Status& s, const std::string& path);

}  // namespace vg::cache::rocks
