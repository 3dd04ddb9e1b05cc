#include "cache/tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "cache/codec.hpp"
#include "cache/sha256.hpp"

namespace vg::cache {
namespace {

struct Walker {
  const WalkOptions& options;
  StatCache& stats;
  Tree tree;

  Result<void> dir(int dfd, const std::string& rel) {
    DIR* d = ::fdopendir(dfd);
    if (!d) {
      ::close(dfd);
      return make_error("opendir(\"" + options.root + "/" + rel + "\"): " + std::strerror(errno));
    }
    std::vector<std::string> names;
    errno = 0;
    while (auto* e = ::readdir(d)) {
      std::string_view n = e->d_name;
      if (n == "." || n == "..") continue;
      names.emplace_back(n);
    }
    std::sort(names.begin(), names.end());
    Result<void> result;
    for (const auto& name : names) {
      std::string path = rel.empty() ? name : rel + "/" + name;
      if (excluded(path, options.excludes)) continue;
      if (tree.entries.size() >= options.max_entries) {
        result = make_error("the workspace " + options.root + " has more than " +
                            std::to_string(options.max_entries) + " entries; too large to digest");
        break;
      }
      struct stat st {};
      if (::fstatat(::dirfd(d), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) continue;  // vanished; the post-run re-check catches real churn
        result = make_error("stat(\"" + options.root + "/" + path + "\"): " + std::strerror(errno));
        break;
      }
      TreeEntry entry{path, TreeEntry::Kind::other, std::uint32_t(st.st_mode & 07777), {}};
      if (S_ISREG(st.st_mode)) {
        if (rel == ".git/objects" || rel.starts_with(".git/objects/")) {
          entry.kind = TreeEntry::Kind::addressed;
          entry.digest = std::to_string(st.st_size);
        } else {
          entry.kind = TreeEntry::Kind::file;
          auto digest = stats.digest(::dirfd(d), name.c_str(), options.root + "/" + path, file_stat(st));
          if (!digest) {
            result = digest.error();
            break;
          }
          entry.digest = std::move(*digest);
        }
        tree.entries.push_back(std::move(entry));
      } else if (S_ISLNK(st.st_mode)) {
        char target[4096];
        ssize_t n = ::readlinkat(::dirfd(d), name.c_str(), target, sizeof target);
        if (n < 0) {
          result = make_error("readlink(\"" + options.root + "/" + path + "\"): " + std::strerror(errno));
          break;
        }
        entry.kind = TreeEntry::Kind::symlink;
        entry.digest.assign(target, std::size_t(n));
        tree.entries.push_back(std::move(entry));
      } else if (S_ISDIR(st.st_mode)) {
        entry.kind = TreeEntry::Kind::dir;
        tree.entries.push_back(std::move(entry));
        int child = ::openat(::dirfd(d), name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (child < 0) {
          result = make_error("open(\"" + options.root + "/" + path + "\"): " + std::strerror(errno));
          break;
        }
        result = this->dir(child, path);
        if (!result) break;
      } else {
        tree.entries.push_back(std::move(entry));
      }
    }
    ::closedir(d);
    return result;
  }
};

bool component_matches(std::string_view path, const std::string& pattern) {
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string part(path.substr(start, end - start));
    if (::fnmatch(pattern.c_str(), part.c_str(), FNM_PERIOD) == 0) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

bool excluded(std::string_view path, const std::vector<std::string>& excludes) {
  for (const auto& raw : excludes) {
    std::string pattern = raw;
    while (pattern.size() > 1 && pattern.back() == '/') pattern.pop_back();
    if (pattern.starts_with("./")) pattern = pattern.substr(2);
    if (pattern.empty()) continue;
    if (pattern.find('/') == std::string::npos) {
      if (component_matches(path, pattern)) return true;
      continue;
    }
    if (pattern.front() == '/') pattern = pattern.substr(1);
    // The pattern names a path, or a directory whose contents are hidden too.
    std::string p(path);
    if (::fnmatch(pattern.c_str(), p.c_str(), FNM_PATHNAME | FNM_PERIOD) == 0) return true;
    for (std::size_t slash = p.find('/'); slash != std::string::npos; slash = p.find('/', slash + 1)) {
      if (::fnmatch(pattern.c_str(), p.substr(0, slash).c_str(), FNM_PATHNAME | FNM_PERIOD) == 0) return true;
    }
  }
  return false;
}

Result<Tree> walk_tree(const WalkOptions& options, StatCache& stats) {
  int fd = ::open(options.root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return make_error("open(\"" + options.root + "\"): " + std::strerror(errno));
  Walker walker{options, stats, {}};
  auto done = walker.dir(fd, "");
  if (!done) return done.error();
  return std::move(walker.tree);
}

std::string Tree::digest() const {
  Sha256 h;
  h.update_field("vg-tree-1");
  for (const auto& e : entries) {
    h.update_field(e.path);
    h.update_field(std::string(1, char(e.kind)) + std::to_string(e.mode));
    h.update_field(e.digest);
  }
  return h.finish_hex();
}

std::string Tree::encode() const {
  Writer w;
  w.str("vgtree1");
  w.u64(entries.size());
  for (const auto& e : entries) {
    w.str(e.path);
    w.u64(std::uint64_t(e.kind));
    w.u64(e.mode);
    w.str(e.digest);
  }
  return w.take();
}

bool Tree::decode(std::string_view data, Tree& out) {
  Reader r(data);
  if (r.str() != "vgtree1") return false;
  std::uint64_t n = r.count();
  out.entries.clear();
  out.entries.reserve(n);
  for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
    TreeEntry e;
    e.path = r.str();
    e.kind = TreeEntry::Kind(r.u64());
    e.mode = std::uint32_t(r.u64());
    e.digest = r.str();
    out.entries.push_back(std::move(e));
  }
  return r.ok();
}

const TreeEntry* Tree::find(std::string_view path) const {
  auto it = std::lower_bound(entries.begin(), entries.end(), path,
                             [](const TreeEntry& e, std::string_view p) { return e.path < p; });
  return it != entries.end() && it->path == path ? &*it : nullptr;
}

std::string describe_difference(const Tree& a, const Tree& b, std::size_t limit) {
  std::vector<std::string> notes;
  std::size_t total = 0;
  auto note = [&](std::string s) {
    if (notes.size() < limit) notes.push_back(std::move(s));
    ++total;
  };
  std::size_t i = 0, j = 0;
  while (i < a.entries.size() || j < b.entries.size()) {
    if (j == b.entries.size() || (i < a.entries.size() && a.entries[i].path < b.entries[j].path)) {
      note(a.entries[i++].path + " removed");
    } else if (i == a.entries.size() || b.entries[j].path < a.entries[i].path) {
      note(b.entries[j++].path + " added");
    } else {
      if (!(a.entries[i] == b.entries[j])) {
        note(a.entries[i].mode != b.entries[j].mode && a.entries[i].digest == b.entries[j].digest
                 ? a.entries[i].path + " mode changed"
                 : a.entries[i].path + " changed");
      }
      ++i;
      ++j;
    }
  }
  std::string out;
  for (const auto& n : notes) out += (out.empty() ? "" : ", ") + n;
  if (total > notes.size()) out += ", and " + std::to_string(total - notes.size()) + " more";
  return out;
}

}  // namespace vg::cache
