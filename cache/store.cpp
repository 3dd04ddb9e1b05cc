#include "cache/store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>
#include <set>
#include <thread>

#include "cache/codec.hpp"
#include "cache/queue.hpp"
#include "cache/rocks.hpp"
#include "config/files.hpp"

namespace vg::cache {
namespace {

using rocks::Cf;

std::int64_t system_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// Take `lock_path` with flock(`op`), retrying with jittered backoff until
// `wait_ms` have passed. Return the fd, or -1.
int take_lock(const std::string& lock_path, int op, int wait_ms) {
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return -1;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  std::minstd_rand rng(unsigned(::getpid()) ^ unsigned(system_ns()));
  int backoff_ms = 2;
  for (;;) {
    if (::flock(fd, op | LOCK_NB) == 0) return fd;
    if (errno != EWOULDBLOCK && errno != EINTR) break;
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1 + int(rng() % unsigned(backoff_ms))));
    backoff_ms = std::min(backoff_ms * 2, 50);
  }
  ::close(fd);
  return -1;
}

std::string lru_key(std::int64_t last_used, const std::string& key) { return be64(std::uint64_t(last_used)) + key; }

std::string lru_value(const Entry& e) { return be64(std::uint64_t(e.created_ns)) + be64(e.size); }

std::string stamp() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return std::string(buf) + "-" + std::to_string(::getpid());
}

}  // namespace

struct Store::ReadHandle {
  std::unique_ptr<rocks::Db> db;
  int lock_fd = -1;
  ~ReadHandle() {
    db.reset();
    if (lock_fd >= 0) ::close(lock_fd);
  }
};

// One write session: the writer lock and a read-write handle.
class Store::Session {
 public:
  Session(Store& store, std::unique_ptr<rocks::Db> db, int lock_fd)
      : m_store(store), m_db(std::move(db)), m_lock_fd(lock_fd) {}
  ~Session() {
    m_db.reset();
    ::close(m_lock_fd);
  }
  rocks::Db& db() { return *m_db; }

  bool get(Cf cf, const std::string& key, std::string& out) {
    auto s = m_db->db->Get(rocksdb::ReadOptions(), (*m_db)[cf], key, &out);
    return s.ok();
  }

  std::uint64_t counter(const std::string& name) {
    std::string v;
    return get(rocks::k_stats, name, v) ? from_be64(v) : 0;
  }

  void add(rocksdb::WriteBatch& batch, std::map<std::string, std::int64_t>& deltas) {
    for (const auto& [name, delta] : deltas) {
      std::int64_t v = std::int64_t(counter(name)) + delta;
      batch.Put((*m_db)[rocks::k_stats], name, be64(std::uint64_t(std::max<std::int64_t>(v, 0))));
    }
    deltas.clear();
  }

  Result<void> write(rocksdb::WriteBatch& batch) {
    auto s = m_db->db->Write(rocksdb::WriteOptions(), &batch);
    if (!s.ok()) return make_error(rocks::describe(s, m_store.m_options.dir));
    return {};
  }

  // Remove `key` (its entry and LRU row) into `batch`; return its size.
  std::uint64_t drop(rocksdb::WriteBatch& batch, const std::string& key) {
    std::string raw;
    if (!get(rocks::k_entries, key, raw)) return 0;
    Entry e;
    batch.Delete((*m_db)[rocks::k_entries], key);
    if (!Entry::decode(raw, e)) return 0;
    batch.Delete((*m_db)[rocks::k_lru], lru_key(e.last_used_ns, key));
    return e.size;
  }

  Result<void> ingest();
  Result<void> evict();
  Result<void> collect_garbage();

 private:
  Store& m_store;
  std::unique_ptr<rocks::Db> m_db;
  int m_lock_fd;
};

Result<void> Store::Session::ingest() {
  std::string qdir = m_store.m_options.dir + "/queue";
  auto names = list_names(qdir);
  if (names.empty()) return {};
  rocksdb::WriteBatch batch;
  std::map<std::string, std::int64_t> deltas;
  std::map<std::string, Entry> touched;  // entries updated by hits in this batch
  std::map<std::string, StatCache> stat_roots;  // stored stat records with the queued changes merged in
  std::vector<std::string> done;
  auto load = [&](const std::string& key) -> Entry* {
    auto it = touched.find(key);
    if (it != touched.end()) return &it->second;
    std::string raw;
    Entry e;
    if (!get(rocks::k_entries, key, raw) || !Entry::decode(raw, e)) return nullptr;
    return &touched.emplace(key, std::move(e)).first->second;
  };
  for (const auto& name : names) {
    std::string path = qdir + "/" + name;
    std::string data;
    if (!read_file(path, data)) continue;
    done.push_back(path);
    if (name.starts_with("e-")) {
      Bundle b;
      if (!Bundle::decode(data, b)) {
        m_store.warn("cache queue file " + path + " is damaged; ignored");
        continue;
      }
      std::uint64_t old = drop(batch, b.entry.key);
      touched.erase(b.entry.key);
      for (const auto& [id, bytes] : b.blobs) batch.Put(m_db->cf[rocks::k_blobs], id, bytes);
      batch.Put((*m_db)[rocks::k_entries], b.entry.key, b.entry.encode());
      batch.Put((*m_db)[rocks::k_lru], lru_key(b.entry.last_used_ns, b.entry.key), lru_value(b.entry));
      deltas["bytes"] += std::int64_t(b.entry.size) - std::int64_t(old);
      deltas["stored"] += 1;
    } else if (name.starts_with("s-")) {
      Reader r(data);
      std::string root = r.str();
      std::string records = r.str();
      if (!r.ok()) continue;
      auto it = stat_roots.find(root);
      if (it == stat_roots.end()) {
        it = stat_roots.emplace(root, StatCache{}).first;
        std::string stored;
        if (get(rocks::k_stat, root, stored)) it->second.merge(stored);
      }
      it->second.merge(records);
    } else if (name.starts_with("v-")) {
      std::size_t start = 0;
      while (start < data.size()) {
        std::size_t nl = data.find('\n', start);
        if (nl == std::string::npos) nl = data.size();
        std::string line = data.substr(start, nl - start);
        start = nl + 1;
        if (line.starts_with("hit ")) {
          auto sp = line.find(' ', 4);
          std::string key = line.substr(4, sp - 4);
          std::int64_t when = sp == std::string::npos ? m_store.now() : std::atoll(line.c_str() + sp + 1);
          deltas["hits"] += 1;
          if (Entry* e = load(key)) {
            batch.Delete((*m_db)[rocks::k_lru], lru_key(e->last_used_ns, key));
            e->hits += 1;
            e->last_used_ns = std::max(e->last_used_ns, when);
            batch.Put((*m_db)[rocks::k_lru], lru_key(e->last_used_ns, key), lru_value(*e));
          }
        } else if (line.starts_with("count ")) {
          deltas[line.substr(6)] += 1;
        }
      }
    }
  }
  for (const auto& [key, e] : touched) batch.Put((*m_db)[rocks::k_entries], key, e.encode());
  for (const auto& [root, records] : stat_roots) batch.Put((*m_db)[rocks::k_stat], root, records.encode());
  add(batch, deltas);
  auto written = write(batch);
  if (!written) return written;
  // Durable before the queue files go: a crash in between re-ingests them.
  auto s = rocks::flush(*m_db);
  if (!s.ok()) return make_error(rocks::describe(s, m_store.m_options.dir));
  for (const auto& path : done) ::unlink(path.c_str());
  return {};
}

Result<void> Store::Session::evict() {
  const auto& o = m_store.m_options;
  std::uint64_t bytes = counter("bytes");
  std::int64_t now = m_store.now();
  std::int64_t ttl_ns = std::int64_t(o.ttl_seconds) * 1'000'000'000;
  rocksdb::WriteBatch batch;
  std::map<std::string, std::int64_t> deltas;
  std::unique_ptr<rocksdb::Iterator> it(m_db->db->NewIterator(rocksdb::ReadOptions(), (*m_db)[rocks::k_lru]));
  // Oldest use first: expired entries anywhere, then LRU until under 90% of the limit.
  std::uint64_t target = o.max_size - o.max_size / 10;
  std::size_t evicted = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string k = it->key().ToString();
    std::string v = it->value().ToString();
    std::string key = k.substr(8);
    std::int64_t created = std::int64_t(from_be64(v));
    std::uint64_t size = from_be64(std::string_view(v).substr(std::min<std::size_t>(8, v.size())));
    bool expired = o.ttl_seconds > 0 && now - created > ttl_ns;
    bool over = bytes > o.max_size || (evicted > 0 && bytes > target);
    if (!expired && !over) continue;
    batch.Delete((*m_db)[rocks::k_lru], k);
    batch.Delete((*m_db)[rocks::k_entries], key);
    bytes = bytes > size ? bytes - size : 0;
    deltas["bytes"] -= std::int64_t(size);
    deltas[expired ? "expired" : "evicted"] += 1;
    ++evicted;
  }
  if (!it->status().ok()) return make_error(rocks::describe(it->status(), o.dir));
  it.reset();
  if (evicted == 0) return {};
  add(batch, deltas);
  auto written = write(batch);
  if (!written) return written;
  return collect_garbage();
}

Result<void> Store::Session::collect_garbage() {
  std::set<std::string> live;
  {
    std::unique_ptr<rocksdb::Iterator> it(m_db->db->NewIterator(rocksdb::ReadOptions(), (*m_db)[rocks::k_entries]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      Entry e;
      if (!Entry::decode(it->value().ToString(), e)) continue;
      for (auto& id : e.blob_ids()) live.insert(std::move(id));
    }
  }
  rocksdb::WriteBatch batch;
  {
    std::unique_ptr<rocksdb::Iterator> it(m_db->db->NewIterator(rocksdb::ReadOptions(), (*m_db)[rocks::k_blobs]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (!live.count(it->key().ToString())) batch.Delete((*m_db)[rocks::k_blobs], it->key());
    }
  }
  auto written = write(batch);
  if (!written) return written;
  m_db->db->CompactRange(rocksdb::CompactRangeOptions(), (*m_db)[rocks::k_blobs], nullptr, nullptr);
  return {};
}

Store::Store(StoreOptions options) : m_options(std::move(options)) {
  if (!m_options.warn) {
    m_options.warn = [](const std::string& m) { std::fprintf(stderr, "vg: warning: %s\n", m.c_str()); };
  }
  if (!m_options.clock) m_options.clock = system_ns;
}

Store::~Store() = default;

void Store::warn(const std::string& message) const { m_options.warn(message); }
std::int64_t Store::now() const { return m_options.clock(); }

void Store::close_reader() { m_reader.reset(); }

bool Store::open_reader() {
  if (m_reader) return true;
  if (m_reader_failed) return false;
  std::string path = m_options.dir + "/db";
  if (!exists(path + "/CURRENT")) {
    m_reader_failed = !exists(path);  // a database being created: try again later
    if (exists(path)) return false;
    return false;
  }
  auto reader = std::make_unique<ReadHandle>();
  // Shared lock: a read-only instance must not overlap a read-write one.
  // Write sessions are short; waiting for one beats a false miss.
  reader->lock_fd = take_lock(m_options.dir + "/writer.lock", LOCK_SH, 1000);
  if (reader->lock_fd < 0) return false;
  auto s = rocks::open(path, rocks::Access::read_only, reader->db);
  if (!s.ok()) {
    m_reader_failed = true;
    reader.reset();
    if (rocks::damaged(s)) {
      warn("the cache database is unreadable: " + rocks::describe(s, path) +
           "; running without the cache, it will be moved aside and rebuilt");
      // Repair now so that the next command finds a working cache.
      auto repaired = flush(Wait::no);
      (void)repaired;
    } else {
      warn("cannot open the cache database: " + rocks::describe(s, path) + "; running without the cache");
    }
    return false;
  }
  m_reader = std::move(reader);
  return true;
}

Result<void> Store::with_session(Wait wait, const std::function<Result<void>(Session&)>& fn) {
  (void)make_dirs(m_options.dir + "/queue");  // a failure shows when the queue is written
  close_reader();  // a read-only handle must not overlap the read-write one
  int lock_fd = take_lock(m_options.dir + "/writer.lock", LOCK_EX, wait == Wait::yes ? m_options.lock_wait_ms : 20);
  if (lock_fd < 0) {
    if (wait == Wait::no) return {};
    return make_error("the cache at " + m_options.dir + " is busy (another vg holds writer.lock); try again");
  }
  std::string path = m_options.dir + "/db";
  std::unique_ptr<rocks::Db> db;
  auto s = rocks::open(path, rocks::Access::read_write, db);
  if (!s.ok() && rocks::damaged(s)) {
    std::string aside = path + ".corrupt-" + stamp();
    if (::rename(path.c_str(), aside.c_str()) == 0) {
      warn("the cache database was unreadable (" + rocks::describe(s, path) + "); moved it to " + aside +
           " and started a new one");
      s = rocks::open(path, rocks::Access::read_write, db);
    } else {
      warn("the cache database is unreadable (" + rocks::describe(s, path) + ") and could not be moved aside: " +
           std::strerror(errno));
    }
  }
  if (!s.ok()) {
    ::close(lock_fd);
    return make_error(rocks::describe(s, path));
  }
  m_reader_failed = false;
  Session session(*this, std::move(db), lock_fd);
  // Every session first brings the database up to date.
  auto ingested = session.ingest();
  if (!ingested) return ingested;
  auto evicted = session.evict();
  if (!evicted) return evicted;
  return fn(session);
}

Result<void> Store::flush(Wait wait) {
  return with_session(wait, [](Session&) -> Result<void> { return {}; });
}

StatCache Store::stat_cache(const std::string& root) {
  StatCache stats;
  load_stat_records(root, stats);
  load_stat_records("/", stats);
  return stats;
}

void Store::load_stat_records(const std::string& root, StatCache& stats) {
  if (!open_reader()) return;
  std::string v;
  if (m_reader->db->db->Get(rocksdb::ReadOptions(), (*m_reader->db)[rocks::k_stat], root, &v).ok()) stats.merge(v);
}

std::optional<Entry> Store::lookup(const std::string& key, std::string* why) {
  auto set_why = [why](std::string s) {
    if (why) *why = std::move(s);
  };
  Entry entry;
  bool found = false;
  std::string data;
  if (read_file(m_options.dir + "/queue/" + bundle_name(key), data)) {
    Bundle b;
    if (Bundle::decode(data, b) && b.entry.key == key) {
      entry = std::move(b.entry);
      m_queued_blobs = std::move(b.blobs);
      found = true;
    }
  }
  if (!found && open_reader()) {
    auto s = m_reader->db->db->Get(rocksdb::ReadOptions(), (*m_reader->db)[rocks::k_entries], key, &data);
    if (s.ok()) {
      if (!Entry::decode(data, entry) || entry.key != key) {
        set_why("damaged entry");
        return std::nullopt;
      }
      found = true;
    } else if (!s.IsNotFound()) {
      warn("cache lookup failed: " + rocks::describe(s, m_options.dir + "/db") + "; running without the cache");
      set_why("unreadable");
      return std::nullopt;
    }
  }
  if (!found) {
    set_why("absent");
    return std::nullopt;
  }
  if (m_options.ttl_seconds > 0 && now() - entry.created_ns > std::int64_t(m_options.ttl_seconds) * 1'000'000'000) {
    set_why("expired");
    return std::nullopt;
  }
  return entry;
}

std::vector<Entry> Store::lookup_prefix(const std::string& prefix) {
  std::vector<Entry> out;
  std::map<std::string, bool> seen;
  auto keep = [&](Entry e) {
    if (!e.key.starts_with(prefix) || seen.count(e.key)) return;
    if (m_options.ttl_seconds > 0 && now() - e.created_ns > std::int64_t(m_options.ttl_seconds) * 1'000'000'000) return;
    seen[e.key] = true;
    out.push_back(std::move(e));
  };
  std::string name_prefix = bundle_name(prefix);
  for (const auto& name : list_names(m_options.dir + "/queue")) {
    if (!name.starts_with(name_prefix)) continue;
    std::string data;
    Bundle b;
    if (read_file(m_options.dir + "/queue/" + name, data) && Bundle::decode(data, b)) keep(std::move(b.entry));
  }
  if (open_reader()) {
    std::unique_ptr<rocksdb::Iterator> it(
        m_reader->db->db->NewIterator(rocksdb::ReadOptions(), (*m_reader->db)[rocks::k_entries]));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      Entry e;
      if (Entry::decode(std::string_view(it->value().data(), it->value().size()), e)) keep(std::move(e));
    }
  }
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.created_ns > b.created_ns; });
  return out;
}

bool Store::fetch(const std::string& id, std::string& out) {
  auto it = m_queued_blobs.find(id);
  if (it != m_queued_blobs.end()) {
    out = it->second;
    return true;
  }
  if (!open_reader()) return false;
  return m_reader->db->db->Get(rocksdb::ReadOptions(), (*m_reader->db)[rocks::k_blobs], id, &out).ok();
}

Result<void> Store::put(const Entry& entry, const Blobs& blobs) {
  (void)make_dirs(m_options.dir + "/queue");
  Bundle b{entry, blobs};
  auto queued = write_atomically(m_options.dir + "/queue", bundle_name(entry.key), b.encode());
  if (!queued) return queued;
  return flush(Wait::no);
}

void Store::save_stat_cache(const std::string& root, const StatCache& stats) {
  (void)make_dirs(m_options.dir + "/queue");
  std::string prefix = root.ends_with('/') ? root : root + "/";
  // Only the changed records: ingest merges them into the stored ones.
  for (Select which : {Select::changed_inside, Select::changed_outside}) {
    std::string records = stats.encode(prefix, which);
    if (records == StatCache().encode()) continue;  // nothing changed on this side
    Writer w;
    w.str(which == Select::changed_inside ? root : "/");
    w.str(records);
    (void)write_atomically(m_options.dir + "/queue", stat_update_name(), w.data());
  }
}

void Store::settle(Settle when) {
  if (when == Settle::if_long && list_names(m_options.dir + "/queue").size() < k_queue_limit) return;
  close_reader();
  auto flushed = flush(Wait::no);
  (void)flushed;  // the queue stays for the next session
}

void Store::note_hit(const std::string& key) {
  (void)make_dirs(m_options.dir + "/queue");
  (void)write_atomically(m_options.dir + "/queue", event_name(), "hit " + key + " " + std::to_string(now()) + "\n");
}

void Store::note(const std::string& name) {
  (void)make_dirs(m_options.dir + "/queue");
  (void)write_atomically(m_options.dir + "/queue", event_name(), "count " + name + "\n");
}

Result<std::vector<Entry>> Store::entries() {
  std::vector<Entry> out;
  auto done = with_session(Wait::yes, [&out](Session& s) -> Result<void> {
    std::unique_ptr<rocksdb::Iterator> it(s.db().db->NewIterator(rocksdb::ReadOptions(), s.db()[rocks::k_entries]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      Entry e;
      if (Entry::decode(it->value().ToString(), e)) out.push_back(std::move(e));
    }
    return {};
  });
  if (!done) return done.error();
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.last_used_ns > b.last_used_ns; });
  return out;
}

Result<std::size_t> Store::remove(const std::string& prefix, bool all_matching) {
  std::size_t removed = 0;
  auto done = with_session(Wait::yes, [&](Session& s) -> Result<void> {
    std::vector<std::string> keys;
    std::unique_ptr<rocksdb::Iterator> it(s.db().db->NewIterator(rocksdb::ReadOptions(), s.db()[rocks::k_entries]));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) keys.push_back(it->key().ToString());
    it.reset();
    if (keys.empty()) return make_error("no cache entry has a key starting with '" + prefix + "'; see 'vg cache ls'");
    if (keys.size() > 1 && !all_matching) {
      return make_error("'" + prefix + "' matches " + std::to_string(keys.size()) +
                        " cache entries; give more of the key (see 'vg cache ls')");
    }
    rocksdb::WriteBatch batch;
    std::map<std::string, std::int64_t> deltas;
    for (const auto& k : keys) deltas["bytes"] -= std::int64_t(s.drop(batch, k));
    s.add(batch, deltas);
    auto written = s.write(batch);
    if (!written) return written;
    removed = keys.size();
    return s.collect_garbage();
  });
  if (!done) return done.error();
  return removed;
}

Result<void> Store::clear() {
  return with_session(Wait::yes, [](Session& s) -> Result<void> {
    rocksdb::WriteBatch batch;
    for (Cf cf : {rocks::k_entries, rocks::k_blobs, rocks::k_lru, rocks::k_stat}) {
      std::unique_ptr<rocksdb::Iterator> it(s.db().db->NewIterator(rocksdb::ReadOptions(), s.db()[cf]));
      for (it->SeekToFirst(); it->Valid(); it->Next()) batch.Delete(s.db()[cf], it->key());
    }
    batch.Put(s.db()[rocks::k_stats], "bytes", be64(0));
    auto written = s.write(batch);
    if (!written) return written;
    for (Cf cf : {rocks::k_entries, rocks::k_blobs, rocks::k_lru, rocks::k_stat}) {
      s.db().db->CompactRange(rocksdb::CompactRangeOptions(), s.db()[cf], nullptr, nullptr);
    }
    return {};
  });
}

Result<StoreStats> Store::stats() {
  StoreStats out;
  auto done = with_session(Wait::yes, [&out](Session& s) -> Result<void> {
    std::unique_ptr<rocksdb::Iterator> it(s.db().db->NewIterator(rocksdb::ReadOptions(), s.db()[rocks::k_stats]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) out.counters[it->key().ToString()] = from_be64(it->value().ToString());
    it.reset(s.db().db->NewIterator(rocksdb::ReadOptions(), s.db()[rocks::k_lru]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++out.entries;
    std::uint64_t live = 0;
    s.db().db->GetAggregatedIntProperty(rocksdb::DB::Properties::kTotalSstFilesSize, &live);
    out.disk_bytes = live;
    return {};
  });
  if (!done) return done.error();
  out.bytes = out.counters["bytes"];
  out.counters.erase("bytes");
  out.queued = list_names(m_options.dir + "/queue").size();
  return out;
}

}  // namespace vg::cache
