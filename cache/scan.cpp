#include "cache/scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace vg::cache {
namespace {

// A directory to read: its descriptor (opened relative to its parent with
// O_NOFOLLOW, so a path swapped for a symlink is never followed) and path.
struct Job {
  int fd = -1;
  std::string rel;
};

// The shared state of one scan.
class Scanner {
 public:
  explicit Scanner(const WalkOptions& options) : m_options(options) {}

  void push(Job job) {
    std::lock_guard lock(m_mutex);
    m_jobs.push_back(std::move(job));
    ++m_pending;
    m_ready.notify_one();
  }

  // Take and read directories until none is left or an error stops the scan.
  void work() {
    for (;;) {
      Job job;
      {
        std::unique_lock lock(m_mutex);
        m_ready.wait(lock, [this] { return !m_jobs.empty() || m_pending == 0; });
        if (m_jobs.empty()) return;
        job = std::move(m_jobs.front());
        m_jobs.pop_front();
      }
      read_dir(job);
      std::lock_guard lock(m_mutex);
      if (--m_pending == 0) m_ready.notify_all();
    }
  }

  Result<Scan> finish() {
    for (auto& job : m_jobs) ::close(job.fd);  // left by an error
    if (!m_error.empty()) return make_error(m_error);
    Scan scan;
    scan.entries.reserve(m_count.load());
    assemble("", scan);
    return scan;
  }

 private:
  void fail(std::string message) {
    std::lock_guard lock(m_mutex);
    if (m_error.empty()) m_error = std::move(message);
    m_failed = true;
  }

  std::string full(const std::string& rel) const { return m_options.root + "/" + rel; }

  void read_dir(Job& job) {
    DIR* d = ::fdopendir(job.fd);
    if (!d) {
      ::close(job.fd);
      fail("opendir(\"" + full(job.rel) + "\"): " + std::strerror(errno));
      return;
    }
    std::vector<std::string> names;
    while (auto* e = ::readdir(d)) {
      std::string_view n = e->d_name;
      if (n == "." || n == "..") continue;
      names.emplace_back(n);
    }
    std::sort(names.begin(), names.end());
    std::vector<Scanned> found;
    found.reserve(names.size());
    for (const auto& name : names) {
      if (m_failed) break;
      std::string path = job.rel.empty() ? name : job.rel + "/" + name;
      if (excluded(path, m_options.excludes)) continue;
      if (++m_count > m_options.max_entries) {
        fail("the workspace " + m_options.root + " has more than " + std::to_string(m_options.max_entries) +
             " entries; too large to digest");
        break;
      }
      struct stat st {};
      if (::fstatat(::dirfd(d), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        --m_count;
        if (errno == ENOENT) continue;  // vanished; the post-run re-check catches real churn
        fail("stat(\"" + full(path) + "\"): " + std::strerror(errno));
        break;
      }
      Scanned s{path, TreeEntry::Kind::other, file_stat(st), {}};
      if (S_ISREG(st.st_mode)) {
        s.kind = TreeEntry::Kind::file;
      } else if (S_ISLNK(st.st_mode)) {
        char target[4096];
        ssize_t n = ::readlinkat(::dirfd(d), name.c_str(), target, sizeof target);
        if (n < 0) {
          fail("readlink(\"" + full(path) + "\"): " + std::strerror(errno));
          break;
        }
        s.kind = TreeEntry::Kind::symlink;
        s.target.assign(target, std::size_t(n));
      } else if (S_ISDIR(st.st_mode)) {
        s.kind = TreeEntry::Kind::dir;
        int child = ::openat(::dirfd(d), name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (child < 0) {
          fail("open(\"" + full(path) + "\"): " + std::strerror(errno));
          break;
        }
        push({child, path});
      }
      found.push_back(std::move(s));
    }
    ::closedir(d);
    std::lock_guard lock(m_mutex);
    m_dirs[job.rel] = std::move(found);
  }

  // Append the entries below `rel` in walk order: each directory's sorted
  // entries, a subdirectory's contents right after the subdirectory.
  void assemble(const std::string& rel, Scan& scan) {
    auto it = m_dirs.find(rel);
    if (it == m_dirs.end()) return;
    for (auto& s : it->second) {
      bool dir = s.kind == TreeEntry::Kind::dir;
      std::string path = dir ? s.path : std::string();
      scan.entries.push_back(std::move(s));
      if (dir) assemble(path, scan);
    }
  }

  const WalkOptions& m_options;
  std::mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<Job> m_jobs;
  std::size_t m_pending = 0;  // queued or being read
  std::unordered_map<std::string, std::vector<Scanned>> m_dirs;
  std::atomic<std::size_t> m_count{0};
  std::atomic<bool> m_failed{false};
  std::string m_error;
};

}  // namespace

std::thread quiet_thread(std::function<void()> fn) {
  sigset_t all, previous;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_BLOCK, &all, &previous);
  std::thread t(std::move(fn));
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return t;
}

Result<Scan> scan_tree(const WalkOptions& options, int threads) {
  int fd = ::open(options.root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return make_error("open(\"" + options.root + "\"): " + std::strerror(errno));
  Scanner scanner(options);
  scanner.push({fd, ""});
  std::vector<std::thread> helpers;
  for (int i = 1; i < threads; ++i) helpers.push_back(quiet_thread([&scanner] { scanner.work(); }));
  scanner.work();
  for (auto& t : helpers) t.join();
  return scanner.finish();
}

Result<Tree> digest_scan(const WalkOptions& options, Scan scan, StatCache& stats) {
  Tree tree;
  tree.entries.reserve(scan.entries.size());
  std::string path = options.root + "/";  // reused: one allocation, not one per file
  const std::size_t root_size = path.size();
  for (auto& s : scan.entries) {
    TreeEntry entry{std::move(s.path), s.kind, s.stat.mode & 07777, {}};
    if (s.kind == TreeEntry::Kind::file) {
      if (entry.path.starts_with(".git/objects/")) {
        // A loose object's or pack's name is the digest of its content.
        entry.kind = TreeEntry::Kind::addressed;
        entry.digest = std::to_string(s.stat.size);
      } else {
        path.resize(root_size);
        path += entry.path;
        auto known = stats.records().find(path);
        if (known != stats.records().end() && StatCache::trusted(known->second, s.stat)) {
          entry.digest = known->second.digest;
        } else {
          auto digest = stats.digest(AT_FDCWD, path.c_str(), path, s.stat);
          if (!digest) return digest.error();
          entry.digest = std::move(*digest);
        }
      }
    } else if (s.kind == TreeEntry::Kind::symlink) {
      entry.digest = std::move(s.target);
    }
    tree.entries.push_back(std::move(entry));
  }
  return tree;
}

}  // namespace vg::cache
