#include "sandbox/secret_walk.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <climits>
#include <ctime>
#include <cstdlib>
#include <unordered_map>
#include <utility>

#include "config/fd_io.hpp"
#include "config/files.hpp"
#include "config/owned.hpp"
#include "config/sha256.hpp"
#include "sandbox/policy/glob.hpp"
#include "sandbox/policy/policy.hpp"

namespace vg::sandbox {

namespace {

// A directory listed in a walk: what identifies its state, and the children
// the walk needs (its subdirectories to descend into and its matches).
struct DirRecord {
  std::uint64_t dev = 0;
  std::uint64_t ino = 0;
  std::int64_t ctime_ns = 0;
  bool racy = false;           // ctime too recent to trust: list again next time
  std::uint64_t entries = 0;   // entries in it
  std::vector<std::string> subdirs;
  std::vector<std::string> matches;
};

using Index = std::unordered_map<std::string, DirRecord>;

constexpr std::string_view k_magic = "vg-secret-index 1\n";
// A directory changed within this long of its listing may have gained an
// entry in the same tick of the file-system clock after it was listed.
constexpr std::int64_t k_racy_ns = 1000000000;

std::int64_t ns(const timespec& t) { return static_cast<std::int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec; }

// --- the index file: length-prefixed fields, any defect ignores it whole ---

void put_u64(std::string& out, std::uint64_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
void put_str(std::string& out, const std::string& s) {
  put_u64(out, s.size());
  out += s;
}

class Reader {
 public:
  explicit Reader(std::string_view data) : m_data(data) {}
  bool u64(std::uint64_t& v) {
    if (m_data.size() - m_at < sizeof v) return false;
    std::memcpy(&v, m_data.data() + m_at, sizeof v);
    m_at += sizeof v;
    return true;
  }
  bool str(std::string& s) {
    std::uint64_t n = 0;
    if (!u64(n) || n > m_data.size() - m_at) return false;
    s.assign(m_data.data() + m_at, n);
    m_at += n;
    return true;
  }
  bool list(std::vector<std::string>& v) {
    std::uint64_t n = 0;
    if (!u64(n) || n > m_data.size() - m_at) return false;
    v.resize(n);
    for (auto& s : v) {
      if (!str(s)) return false;
    }
    return true;
  }
  bool done() const { return m_at == m_data.size(); }

 private:
  std::string_view m_data;
  std::size_t m_at = 0;
};

std::string encode(const std::string& key, const Index& index) {
  std::string out(k_magic);
  put_str(out, key);
  put_u64(out, index.size());
  for (const auto& [rel, r] : index) {
    put_str(out, rel);
    put_u64(out, r.dev);
    put_u64(out, r.ino);
    put_u64(out, static_cast<std::uint64_t>(r.ctime_ns));
    put_u64(out, (r.racy ? 1u : 0u));
    put_u64(out, r.entries);
    put_u64(out, r.subdirs.size());
    for (const auto& s : r.subdirs) put_str(out, s);
    put_u64(out, r.matches.size());
    for (const auto& s : r.matches) put_str(out, s);
  }
  return out;
}

Index decode(const std::string& key, std::string_view data) {
  if (data.substr(0, k_magic.size()) != k_magic) return {};
  Reader in(data.substr(k_magic.size()));
  std::string stored_key;
  std::uint64_t count = 0;
  if (!in.str(stored_key) || stored_key != key || !in.u64(count)) return {};
  Index index;
  for (std::uint64_t i = 0; i < count; ++i) {
    std::string rel;
    DirRecord r;
    std::uint64_t ctime = 0, racy = 0;
    if (!in.str(rel) || !in.u64(r.dev) || !in.u64(r.ino) || !in.u64(ctime) || !in.u64(racy) || !in.u64(r.entries) ||
        !in.list(r.subdirs) || !in.list(r.matches)) {
      return {};
    }
    r.ctime_ns = static_cast<std::int64_t>(ctime);
    r.racy = racy != 0;
    index.emplace(std::move(rel), std::move(r));
  }
  if (!in.done()) return {};
  return index;
}

// What identifies the walk: the tree and the patterns (another set of
// patterns matches other names, so it has an index of its own).
std::string walk_key(const SecretWalk& w) {
  std::string key = w.root;
  key.push_back('\0');
  for (const auto& p : w.exclude) {
    key += p;
    key.push_back('\0');
  }
  return key;
}

std::string index_path(const SecretWalk& w, const std::string& key) {
  config::Sha256 h;
  h.update(key);
  return w.index_dir + "/" + h.finish_hex().substr(0, 32);
}

Index load_index(const std::string& path, const std::string& key) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) return {};
  struct stat st{};
  if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (1 << 30)) return {};
  std::string data(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < data.size()) {
    ssize_t n = read(fd.get(), data.data() + got, data.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return {};
    got += static_cast<std::size_t>(n);
  }
  return decode(key, data);
}

// Keep the index directory to k_keep_indexes walks: the ones used least
// recently go first (a tree walked again gets its index back next time).
constexpr std::size_t k_keep_indexes = 200;

void prune_indexes(const std::string& dir) {
  std::vector<std::pair<std::int64_t, std::string>> files;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      struct stat st{};
      if (e->d_name[0] == '.' || fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      files.emplace_back(ns(st.st_mtim), e->d_name);
    }
    closedir(d);
  }
  if (files.size() <= k_keep_indexes) return;
  std::sort(files.begin(), files.end());
  for (std::size_t i = 0; i + k_keep_indexes < files.size(); ++i) unlink((dir + "/" + files[i].second).c_str());
}

// Best effort: a walk that cannot be remembered is walked again next time.
void save_index(const std::string& dir, const std::string& path, const std::string& key, const Index& index) {
  if (!make_dirs(dir, 0700)) return;
  if (access(path.c_str(), F_OK) != 0) prune_indexes(dir);
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  UniqueFd fd(open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd.valid()) return;
  if (!write_all(fd.get(), encode(key, index)) || rename(tmp.c_str(), path.c_str()) != 0) unlink(tmp.c_str());
}

// --- the walk ---

std::string join(const std::string& rel, const std::string& name) { return rel.empty() ? name : rel + "/" + name; }

// List directory `dfd` (at `rel`) into `r`. False when it cannot be listed.
bool list_dir(int dfd, const std::string& rel, const std::vector<std::string>& exclude, DirRecord& r) {
  int fd = dup(dfd);
  if (fd < 0) return false;
  DIR* d = fdopendir(fd);
  if (!d) {
    close(fd);
    return false;
  }
  errno = 0;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    ++r.entries;
    unsigned char type = e->d_type;
    if (type == DT_UNKNOWN) {
      struct stat st{};
      if (fstatat(dfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      type = S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
    }
    if (is_secret_name(name, join(rel, name), exclude)) {
      r.matches.push_back(name);
    } else if (type == DT_DIR) {
      r.subdirs.push_back(name);
    }
  }
  bool ok = errno == 0;
  closedir(d);
  std::sort(r.matches.begin(), r.matches.end());
  std::sort(r.subdirs.begin(), r.subdirs.end());
  return ok;
}

// Every entry below directory `top` (at `path`) with its type:
// `visit(dir_fd, name, path_of_entry, type)`. Directories that cannot be
// opened are skipped (the walk that found the secrets covered them).
template <typename Visit>
void each_entry(int top, const std::string& path, Visit&& visit) {
  std::vector<std::string> stack{""};
  while (!stack.empty()) {
    std::string rel = stack.back();
    stack.pop_back();
    // A fresh open, never a dup: a dup shares the directory's read offset.
    UniqueFd fd(openat(top, rel.empty() ? "." : rel.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) continue;
    int listing = dup(fd.get());
    DIR* d = listing >= 0 ? fdopendir(listing) : nullptr;
    if (!d) {
      if (listing >= 0) close(listing);
      continue;
    }
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      unsigned char type = e->d_type;
      if (type == DT_UNKNOWN) {
        struct stat st{};
        if (fstatat(fd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
      }
      std::string child = join(rel, name);
      visit(fd.get(), name, path + "/" + child, type);
      if (type == DT_DIR) stack.push_back(child);
    }
    closedir(d);
  }
}

using Inode = std::pair<std::uint64_t, std::uint64_t>;

// The inodes of the secret files (those inside a secret directory too)
// that have another name somewhere: a hard link made before the run.
std::vector<Inode> linked_secret_inodes(const std::vector<std::string>& paths) {
  std::vector<Inode> out;
  auto note = [&](const struct stat& st) {
    if (S_ISREG(st.st_mode) && st.st_nlink > 1) out.emplace_back(st.st_dev, st.st_ino);
  };
  for (const auto& p : paths) {
    struct stat st{};
    if (lstat(p.c_str(), &st) != 0) continue;
    note(st);
    if (!S_ISDIR(st.st_mode)) continue;
    UniqueFd dir(open(p.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir.valid()) continue;
    each_entry(dir.get(), p, [&](int fd, const std::string& name, const std::string&, unsigned char type) {
      struct stat inner{};
      if (type == DT_REG && fstatat(fd, name.c_str(), &inner, AT_SYMLINK_NOFOLLOW) == 0) note(inner);
    });
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A secret with other names (hard links: `ln .env notes.txt`) is hidden
// under each of them. Finding them takes a stat of every file in the tree,
// paid only while some secret has a second name.
void add_hard_links(int root, const SecretWalk& w, SecretPaths& out) {
  std::vector<Inode> inodes = linked_secret_inodes(out.paths);
  if (inodes.empty()) return;
  std::vector<std::string> more;
  each_entry(root, w.root, [&](int fd, const std::string& name, const std::string& path, unsigned char type) {
    struct stat st{};
    if (type != DT_REG || fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || st.st_nlink < 2) return;
    if (std::binary_search(inodes.begin(), inodes.end(), Inode(st.st_dev, st.st_ino))) more.push_back(path);
  });
  for (auto& p : more) out.paths.push_back(std::move(p));
}

}  // namespace

std::size_t default_walk_limit() {
  constexpr std::size_t k_limit = 1000000;
  const char* v = getenv("VG_TEST_SECRET_WALK_LIMIT");
  if (!v || !*v) return k_limit;
  char* end = nullptr;
  unsigned long long n = std::strtoull(v, &end, 10);
  return *end == '\0' && n < k_limit ? static_cast<std::size_t>(n) : k_limit;
}

bool is_secret_name(const std::string& name, const std::string& rel, const std::vector<std::string>& exclude) {
  // A pattern without '/' matches a name at any depth: checked against the
  // name alone (its parents were checked on the way down).
  for (const auto& p : policy::builtin_secret_patterns()) {
    if (policy::glob_match(p, name)) return true;
  }
  for (const auto& p : exclude) {
    if (p.empty()) continue;
    if (p.find('/') == std::string::npos ? policy::glob_match(p, name) : policy::glob_match(p, rel)) return true;
  }
  return false;
}

Result<SecretPaths> find_secret_paths(const SecretWalk& w) {
  SecretPaths out;
  UniqueFd root(open(w.root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root.valid()) return make_error(w.root + ": " + std::strerror(errno));
  std::string key = walk_key(w);
  std::string path = w.index_dir.empty() ? std::string() : index_path(w, key);
  Index old = path.empty() ? Index{} : load_index(path, key);
  Index now;
  bool changed = false;

  std::vector<std::string> stack{""};
  while (!stack.empty()) {
    std::string rel = stack.back();
    stack.pop_back();
    // A stat a directory when the index knows it; a listing otherwise.
    struct stat st{};
    DirRecord r;
    auto was = old.find(rel);
    if (was != old.end() && !was->second.racy &&
        fstatat(root.get(), rel.empty() ? "." : rel.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) &&
        was->second.dev == st.st_dev && was->second.ino == st.st_ino && was->second.ctime_ns == ns(st.st_ctim)) {
      r = std::move(was->second);
    } else {
      changed = true;
      std::string where = w.root + (rel.empty() ? "" : "/" + rel);
      UniqueFd dfd(openat(root.get(), rel.empty() ? "." : rel.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!dfd.valid() || fstat(dfd.get(), &st) != 0) {
        // Gone since its parent was listed, or not a directory any more
        // (the parent's ctime changed with it, so its next listing is
        // fresh). One that vg may not open is covered whole; one it cannot
        // reach by path (nested past PATH_MAX) could not be covered at all.
        if (errno == ENAMETOOLONG) {
          return make_error(w.root + " has directories nested too deep to reach by path (" + rel.substr(0, 60) +
                            "...): vg cannot hide what is in them, so the sandbox does not start");
        }
        if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP) out.unlisted.push_back(where);
        continue;
      }
      if (where.size() + NAME_MAX + 1 >= PATH_MAX) {
        return make_error(w.root + " has directories nested too deep to cover by path (" + where.substr(0, 60) +
                          "...): vg cannot hide what is in them, so the sandbox does not start");
      }
      r.dev = st.st_dev;
      r.ino = st.st_ino;
      r.ctime_ns = ns(st.st_ctim);
      if (!list_dir(dfd.get(), rel, w.exclude, r)) {
        out.unlisted.push_back(where);
        continue;
      }
      timespec t{};
      clock_gettime(CLOCK_REALTIME, &t);
      r.racy = r.ctime_ns + k_racy_ns > ns(t);
      ++out.listed;
    }
    out.entries += r.entries;
    if (out.entries > w.entry_limit) {
      return make_error(w.root + " holds more than " + std::to_string(w.entry_limit) +
                        " entries: vg cannot make sure every .env* file and `exclude` match in it is hidden, so the "
                        "sandbox does not start (run from a smaller directory)");
    }
    for (const auto& m : r.matches) out.paths.push_back(w.root + "/" + join(rel, m));
    for (const auto& s : r.subdirs) stack.push_back(join(rel, s));
    now.emplace(rel, std::move(r));
  }
  if (!path.empty() && (changed || now.size() != old.size())) save_index(w.index_dir, path, key, now);
  add_hard_links(root.get(), w, out);
  std::sort(out.paths.begin(), out.paths.end());
  out.paths.erase(std::unique(out.paths.begin(), out.paths.end()), out.paths.end());
  return out;
}

}  // namespace vg::sandbox
