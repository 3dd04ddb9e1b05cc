#include "cache/rocks.hpp"

#include <rocksdb/env.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>

#include <pthread.h>
#include <signal.h>

#include <cstdarg>

namespace vg::cache::rocks {
namespace {

// RocksDB's info LOG would be rewritten by every reader and costs time on
// the hot path; vg reports problems through Status values instead.
class SilentLogger : public rocksdb::Logger {
 public:
  SilentLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::FATAL_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const char*, va_list) override {}
};

// RocksDB starts threads (timer, flush and compaction pools) on open and
// flush. They inherit the caller's signal mask, and a thread that does not
// block SIGCHLD steals it from the launcher's signalfd, which then waits
// forever: so every call that may start a thread runs with signals blocked.
class BlockSignals {
 public:
  BlockSignals() {
    sigset_t all;
    ::sigfillset(&all);
    ::pthread_sigmask(SIG_BLOCK, &all, &m_previous);
  }
  ~BlockSignals() { ::pthread_sigmask(SIG_SETMASK, &m_previous, nullptr); }

 private:
  sigset_t m_previous;
};

// A read-only instance never flushes or compacts, yet opening one starts
// the default Env's flush and compaction threads (and exit then joins
// them). Lookups use this Env, which starts none.
class NoThreadsEnv : public rocksdb::EnvWrapper {
 public:
  NoThreadsEnv() : rocksdb::EnvWrapper(rocksdb::Env::Default()) {}
  void IncBackgroundThreadsIfNeeded(int, Priority) override {}
  void SetBackgroundThreads(int, Priority) override {}
};

rocksdb::Env* no_threads_env() {
  static NoThreadsEnv env;
  return &env;
}

const char* const k_names[k_cf_count] = {"default", "entries", "blobs", "stat", "lru", "stats"};

rocksdb::DBOptions db_options(Access access) {
  rocksdb::DBOptions o;
  o.create_if_missing = access == Access::read_write;
  o.create_missing_column_families = access == Access::read_write;
  o.info_log = std::make_shared<SilentLogger>();
  o.max_open_files = 64;  // open table files lazily; -1 would open them all up front
  o.skip_stats_update_on_db_open = true;
  o.max_background_jobs = 1;
  o.max_file_opening_threads = 1;  // the default 16 spawns threads on every open
  o.keep_log_file_num = 1;
  o.paranoid_checks = true;
  o.stats_dump_period_sec = 0;     // no periodic timer thread
  o.stats_persist_period_sec = 0;
  if (access == Access::read_only) o.env = no_threads_env();
  return o;
}

// Lookups read entries, blobs and stat records only; opening fewer column
// families is faster.
bool read_by_lookups(std::size_t cf) { return cf == k_default || cf == k_entries || cf == k_blobs || cf == k_stat; }

std::vector<rocksdb::ColumnFamilyDescriptor> families(Access access) {
  std::vector<rocksdb::ColumnFamilyDescriptor> out;
  for (std::size_t i = 0; i < k_cf_count; ++i) {
    if (access == Access::read_only && !read_by_lookups(i)) continue;
    rocksdb::ColumnFamilyOptions cf;
    cf.write_buffer_size = 8 << 20;
    if (i == k_blobs) {
      cf.compression = rocksdb::kLZ4Compression;
      cf.target_file_size_base = 32 << 20;
    } else {
      cf.compression = rocksdb::kNoCompression;
    }
    if (i == k_stat) {
      // A large workspace's stat records are one value of megabytes; kept
      // inline it fills a whole SST block, and every lookup whose key falls
      // in that file's range (any other workspace) reads all of it (8 MB,
      // 9 ms at 50,000 files). Values that large go to blob files instead.
      cf.enable_blob_files = true;
      cf.min_blob_size = 64 << 10;
      cf.enable_blob_garbage_collection = true;  // a rewritten set frees its old blob at compaction
    }
    out.emplace_back(k_names[i], cf);
  }
  return out;
}

}  // namespace

Db::~Db() {
  if (!db) return;
  BlockSignals blocked;
  for (auto* h : cf) {
    if (h) db->DestroyColumnFamilyHandle(h);
  }
  db->Close();
  delete db;
}

rocksdb::Status open(const std::string& path, Access access, std::unique_ptr<Db>& out) {
  BlockSignals blocked;
  auto db = std::make_unique<Db>();
  rocksdb::Status s;
  if (access == Access::read_only) {
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    s = rocksdb::DB::OpenForReadOnly(db_options(access), path, families(access), &handles, &db->db);
    // Indexed by Cf; the families a lookup does not read stay null.
    db->cf.assign(k_cf_count, nullptr);
    for (std::size_t i = 0, h = 0; i < k_cf_count && h < handles.size(); ++i) {
      if (read_by_lookups(i)) db->cf[i] = handles[h++];
    }
  } else {
    s = rocksdb::DB::Open(db_options(access), path, families(access), &db->cf, &db->db);
  }
  if (s.ok()) out = std::move(db);
  return s;
}

rocksdb::Status flush(Db& db) {
  BlockSignals blocked;
  rocksdb::FlushOptions fo;
  fo.wait = true;
  return db.db->Flush(fo, db.cf);
}

bool damaged(const rocksdb::Status& s) {
  if (s.IsCorruption() || s.IsInvalidArgument() || s.IsNotSupported()) return true;
  if (s.IsIOError()) {
    if (s.IsNoSpace()) return false;
    std::string msg = s.ToString();
    return msg.find("Permission denied") == std::string::npos && msg.find("Read-only file system") == std::string::npos;
  }
  return false;
}

std::string describe(const rocksdb::Status& s, const std::string& path) {
  return "RocksDB(\"" + path + "\"): " + s.ToString();
}

}  // namespace vg::cache::rocks
