#include "cache/traced.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <iterator>

#include "cache/codec.hpp"
#include "cache/key.hpp"
#include "config/files.hpp"
#include "config/sha256.hpp"

namespace vg::cache {
namespace {

constexpr int k_max_links = 40;  // as the kernel's MAXSYMLINKS

// `path` relative to `root`, or nullopt-like false when outside.
bool relative_to(const std::string& root, const std::string& path, std::string& rel) {
  if (path == root) {
    rel.clear();
    return true;
  }
  if (path.size() > root.size() && path.starts_with(root) && path[root.size()] == '/') {
    rel = path.substr(root.size() + 1);
    return true;
  }
  return false;
}

std::string names_digest(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  config::Sha256 h;
  h.update_field("names");
  for (const auto& n : names) h.update_field(n);
  return h.finish_hex();
}

std::string kind_of(mode_t mode) { return "o" + std::to_string(mode & S_IFMT); }

// Permission bits, in octal: what ls -l, test -r and a copy's mode see.
std::string bits(std::uint32_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%o", mode & 07777u);
  return buf;
}

// What a stat by name shows besides kind, size and mode: the modification
// time (make, ls -t, find -newer). Not the change time: no one can set it,
// so a file put back as it was would never match again.
std::string times(std::int64_t mtime_ns) { return "@" + std::to_string(mtime_ns); }

}  // namespace

InputUse plain_use(InputUse use) {
  switch (use) {
    case InputUse::stated: return InputUse::probed;
    case InputUse::stated_link: return InputUse::probed_link;
    case InputUse::read_stated: return InputUse::read;
    case InputUse::written:
    case InputUse::probed:
    case InputUse::probed_link:
    case InputUse::read: break;
  }
  return use;
}

bool stat_seen(InputUse use) { return use != plain_use(use); }

std::vector<std::pair<std::string, InputUse>> with_stats(std::vector<std::pair<std::string, InputUse>> used,
                                                         const std::vector<std::string>& stated) {
  for (auto& [path, use] : used) {
    if (!std::binary_search(stated.begin(), stated.end(), path)) continue;
    switch (use) {
      case InputUse::probed: use = InputUse::stated; break;
      case InputUse::probed_link: use = InputUse::stated_link; break;
      case InputUse::read: use = InputUse::read_stated; break;
      case InputUse::written:
      case InputUse::stated:
      case InputUse::stated_link:
      case InputUse::read_stated: break;
    }
  }
  return used;
}

const char* use_name(InputUse use) {
  static const char* const k_names[] = {"?", "written", "probed", "probed_link", "read", "stated", "stated_link",
                                        "read_stated"};
  auto i = static_cast<std::size_t>(use);
  return i < std::size(k_names) ? k_names[i] : "?";
}

std::string InputStates::now(const std::string& path, InputUse use) {
  auto key = std::make_pair(path, use);
  if (auto it = m_memo.find(key); it != m_memo.end()) return it->second;
  if (m_depth >= k_max_links) return "loop";
  struct Depth {
    int& d;
    explicit Depth(int& depth) : d(depth) { ++d; }
    ~Depth() { --d; }
  } depth(m_depth);
  std::string links;
  // One call tells whether any symlink is on the way (most paths have none).
  open_how how{};
  how.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC;
  how.resolve = RESOLVE_NO_SYMLINKS;
  long fd = syscall(SYS_openat2, AT_FDCWD, path.c_str(), &how, sizeof how);
  if (fd >= 0) {
    close(static_cast<int>(fd));
  } else if (errno == ELOOP) {
    // A link in a directory part: each one's target is part of the state.
    for (std::size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
      std::string prefix = path.substr(0, slash);
      struct stat st {};
      if (lstat(prefix.c_str(), &st) != 0) break;
      if (S_ISLNK(st.st_mode)) links += "l:" + prefix + "=" + read_link(prefix) + ";";
    }
  }
  std::string state = links + final_state(path, use);
  m_memo.emplace(std::move(key), state);
  return state;
}

std::string InputStates::final_state(const std::string& path, InputUse use) {
  const InputUse plain = plain_use(use);
  std::string chain;
  std::string at = path;
  struct stat st {};
  for (int hops = 0;; ++hops) {
    if (lstat(at.c_str(), &st) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) return chain + (plain == InputUse::written ? "w" : "-");
      return chain + "e" + std::to_string(errno);
    }
    if (!S_ISLNK(st.st_mode)) break;
    std::string target = read_link(at);
    chain += "l:" + at + "=" + target + ";";
    if (plain == InputUse::probed_link && hops == 0) return chain + "L";
    if (hops >= k_max_links || target.empty()) return chain + "loop";
    at = target[0] == '/' ? target : parent_dir(at) + "/" + target;
    if (at != path) return chain + now(at, use);  // the target's own links count too
  }
  if (S_ISDIR(st.st_mode)) return chain + "d" + bits(st.st_mode) + (plain == InputUse::read ? ":" + listing(at) : "");
  if (S_ISREG(st.st_mode)) {
    if (plain == InputUse::written) return chain + "w" + bits(st.st_mode);
    auto digest = m_stats.digest(at);
    if (!digest) return chain + "e" + std::to_string(EIO);
    std::int64_t mtime = std::int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    return chain + "f" + bits(st.st_mode) + (stat_seen(use) ? times(mtime) : "") + ":" + *digest;
  }
  return chain + kind_of(st.st_mode);
}

std::string InputStates::listing(const std::string& path) {
  DIR* d = opendir(path.c_str());
  if (!d) return "e" + std::to_string(errno);
  std::string rel;
  bool inside = relative_to(m_scope.workspace, path, rel);
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    if (inside && excluded(rel.empty() ? name : rel + "/" + name, m_scope.excludes)) continue;
    names.push_back(std::move(name));
  }
  closedir(d);
  return names_digest(std::move(names));
}

namespace {

// The state of workspace path `rel` in `before`, as InputStates::now would
// have told it then.
Result<std::string> state_in_tree(const std::string& abs, const std::string& rel, InputUse use, const Tree& before,
                                  const BeforeTimes& times_before) {
  for (std::size_t slash = rel.find('/'); slash != std::string::npos; slash = rel.find('/', slash + 1)) {
    const TreeEntry* p = before.find(std::string_view(rel).substr(0, slash));
    if (p && p->kind == TreeEntry::Kind::symlink) return make_error(abs + " is behind a link the run changed");
  }
  const InputUse plain = plain_use(use);
  const TreeEntry* e = rel.empty() ? nullptr : before.find(rel);
  bool is_dir = rel.empty() || (e && e->kind == TreeEntry::Kind::dir);
  if (!e && !is_dir) return std::string(plain == InputUse::written ? "w" : "-");
  if (is_dir) {
    std::uint32_t mode = 0;
    struct stat st {};
    if (e) mode = e->mode;
    else if (::lstat(abs.c_str(), &st) == 0) mode = st.st_mode;  // the workspace itself: not in the tree
    if (plain != InputUse::read) return "d" + bits(mode);
    std::string lo = rel.empty() ? "" : rel + "/";
    std::vector<std::string> names;
    auto it = std::lower_bound(before.entries.begin(), before.entries.end(), lo,
                               [](const TreeEntry& t, const std::string& p) { return t.path < p; });
    for (; it != before.entries.end() && it->path.starts_with(lo); ++it) {
      if (it->path.size() == lo.size()) continue;
      if (it->path.find('/', lo.size()) == std::string::npos) names.push_back(it->path.substr(lo.size()));
    }
    return "d" + bits(mode) + ":" + names_digest(std::move(names));
  }
  switch (e->kind) {
    case TreeEntry::Kind::file:
      if (plain == InputUse::written) return "w" + bits(e->mode);
      if (!stat_seen(use)) return "f" + bits(e->mode) + ":" + e->digest;
      // The tree has no times; without the one from before the run the
      // state never matches ("@?"): a miss rather than a guess.
      if (auto t = times_before.find(abs); t != times_before.end()) {
        return "f" + bits(e->mode) + times(t->second) + ":" + e->digest;
      }
      return "f" + bits(e->mode) + "@?:" + e->digest;
    case TreeEntry::Kind::symlink:
      if (plain == InputUse::probed_link) return "l:" + abs + "=" + e->digest + ";L";
      return make_error(abs + " is a link the run changed");
    case TreeEntry::Kind::dir: return std::string("d");  // handled above
    case TreeEntry::Kind::other:
    case TreeEntry::Kind::addressed: break;
  }
  return make_error(abs + " is a special file the run changed");
}

}  // namespace

BeforeTimes times_before_run(const std::string& workspace, const std::vector<std::string>& changed,
                             const StatCache& stats) {
  BeforeTimes out;
  for (const auto& rel : changed) {
    std::string abs = workspace + "/" + rel;
    if (auto it = stats.records().find(abs); it != stats.records().end()) out.emplace(abs, it->second.stat.mtime_ns);
  }
  return out;
}

bool related_to_change(const std::string& path, const std::vector<std::string>& changes) {
  for (const auto& c : changes) {
    if (path == c || path.empty()) return true;
    if (path.size() > c.size() && path.starts_with(c) && path[c.size()] == '/') return true;
    if (c.size() > path.size() && c.starts_with(path) && c[path.size()] == '/') return true;
  }
  return false;
}

Result<std::vector<TracedInput>> states_before(const std::vector<std::pair<std::string, InputUse>>& used,
                                               const InputScope& scope, const Tree& before,
                                               const std::vector<std::string>& changed, StatCache& stats,
                                               const BeforeTimes& times_before) {
  InputStates states(scope, stats);
  std::vector<TracedInput> out;
  out.reserve(used.size());
  std::string rel;
  for (const auto& [path, use] : used) {
    TracedInput in{path, use, {}, false, {}};
    if (relative_to(scope.workspace, path, rel) && related_to_change(rel, changed)) {
      auto s = state_in_tree(path, rel, use, before, times_before);
      if (!s) return s.error();
      in.state = std::move(*s);
    } else {
      in.state = states.now(path, use);
      auto rec = stats.records().find(path);
      if (!in.state.empty() && in.state[0] == 'f' && rec != stats.records().end()) {
        in.has_record = true;
        in.record = rec->second;
      }
    }
    out.push_back(std::move(in));
  }
  return out;
}

std::string changed_during_run(const std::vector<std::pair<std::string, InputUse>>& used, const InputScope& scope,
                               const std::vector<std::string>& changed, std::int64_t started_ns) {
  std::string rel;
  for (const auto& [path, use] : used) {
    if (plain_use(use) == InputUse::written) continue;
    if (relative_to(scope.workspace, path, rel) && related_to_change(rel, changed)) continue;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) continue;
    // `started_ns` is the latest file time given before the run (the
    // sandbox starts the command once the coarse clock is past it): a ctime
    // after it is a change during the run.
    std::int64_t ctime = std::int64_t(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
    if (ctime > started_ns && !S_ISDIR(st.st_mode)) return path;
  }
  return {};
}

void remember_records(const std::vector<TracedInput>& inputs, StatCache& stats) {
  for (const auto& in : inputs) {
    if (in.has_record) stats.remember(in.path, in.record);
  }
}

bool inputs_unchanged(const std::vector<TracedInput>& inputs, InputStates& states, std::string* first_difference) {
  for (const auto& in : inputs) {
    if (states.now(in.path, in.use) != in.state) {
      if (first_difference) *first_difference = in.path;
      return false;
    }
  }
  return true;
}

std::string inputs_digest(const std::vector<TracedInput>& inputs) {
  config::Sha256 h;
  h.update_field("traced-inputs-1");
  for (const auto& in : inputs) {
    h.update_field(in.path);
    h.update_field(std::string(1, static_cast<char>(in.use)));
    h.update_field(in.state);
  }
  return h.finish_hex();
}

std::string command_prefix(const Ingredients& g) {
  config::Sha256 h;
  h.update_field("vg-command-key-1");
  for (const auto& [name, digest] : g.digests()) {
    if (name == "inputs") continue;
    h.update_field(name);
    h.update_field(digest);
  }
  return h.finish_hex().substr(0, 32);
}

std::string traced_key(const Ingredients& g, const std::vector<TracedInput>& inputs) {
  return command_prefix(g) + inputs_digest(inputs).substr(0, 32);
}

std::string short_id(const std::string& key, bool traced) {
  if (!traced || key.size() < 38) return key.substr(0, 12);
  return key.substr(0, 6) + "-" + key.substr(32, 6);
}

bool id_matches(const std::string& key, bool traced, const std::string& id) {
  auto dash = id.find('-');
  if (dash == std::string::npos) return !id.empty() && key.starts_with(id);
  std::string command = id.substr(0, dash), inputs = id.substr(dash + 1);
  return traced && key.size() == 64 && !command.empty() && command.size() <= 32 && key.starts_with(command) &&
         std::string_view(key).substr(32).starts_with(inputs);
}

constexpr std::string_view k_inputs_magic = "vgtraced3";  // 3: states with permission bits and times

void encode_inputs(Writer& w, const std::vector<TracedInput>& inputs) {
  w.str(k_inputs_magic);
  w.u64(inputs.size());
  for (const auto& in : inputs) {
    w.str(in.path);
    w.u64(static_cast<std::uint64_t>(in.use));
    w.str(in.state);
    w.u64(in.has_record ? 1 : 0);
    if (!in.has_record) continue;
    const FileStat& st = in.record.stat;
    w.u64(st.size);
    w.i64(st.mtime_ns);
    w.i64(st.ctime_ns);
    w.u64(st.ino);
    w.u64(st.dev);
    w.u64(st.mode);
    w.str(in.record.digest);
    w.i64(in.record.hashed_at_ns);
  }
}

bool decode_inputs(Reader& r, std::vector<TracedInput>& inputs) {
  if (r.str() != k_inputs_magic) return false;
  inputs.resize(r.count());
  for (auto& in : inputs) {
    in.path = r.str();
    std::uint64_t use = r.u64();
    if (use < 1 || use > 7) return false;
    in.use = static_cast<InputUse>(use);
    in.state = r.str();
    in.has_record = r.u64() == 1;
    if (!in.has_record) continue;
    FileStat& st = in.record.stat;
    st.size = r.u64();
    st.mtime_ns = r.i64();
    st.ctime_ns = r.i64();
    st.ino = r.u64();
    st.dev = r.u64();
    st.mode = static_cast<std::uint32_t>(r.u64());
    in.record.digest = r.str();
    in.record.hashed_at_ns = r.i64();
  }
  return r.ok();
}

}  // namespace vg::cache
