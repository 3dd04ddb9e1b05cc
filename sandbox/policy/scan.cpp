// Walking an overlay upper directory. Overlayfs records a deletion as a
// character device 0/0 (a whiteout) and a directory that replaced a lower one
// with the xattr `user.overlay.opaque` (`trusted.` when mounted without
// userxattr). A copy-up copies the whole file even for a chmod, so content is
// compared before calling a file modified.
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "config/printable.hpp"
#include "sandbox/policy/fs.hpp"
#include "sandbox/policy/write_set.hpp"

namespace vg::sandbox::policy {

namespace {

EntryType type_of(const struct stat& st) {
  if (S_ISREG(st.st_mode)) return EntryType::regular;
  if (S_ISDIR(st.st_mode)) return EntryType::directory;
  if (S_ISLNK(st.st_mode)) return EntryType::symlink;
  if (is_whiteout(st)) return EntryType::whiteout;
  if (S_ISFIFO(st.st_mode)) return EntryType::fifo;
  if (S_ISSOCK(st.st_mode)) return EntryType::socket;
  return EntryType::device;
}

std::vector<std::string> list_dir(int dir_fd) {
  std::vector<std::string> names;
  int dup_fd = fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
  if (dup_fd < 0) return names;
  DIR* d = fdopendir(dup_fd);
  if (!d) {
    close(dup_fd);
    return names;
  }
  rewinddir(d);
  while (dirent* e = readdir(d)) {
    std::string_view n = e->d_name;
    if (n == "." || n == "..") continue;
    names.emplace_back(n);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

class Scanner {
 public:
  Scanner(int upper_fd, int target_fd) : m_upper(upper_fd), m_target(target_fd) {}

  Result<void> walk(const std::string& rel) {
    Fd udir(open_dir_beneath(m_upper, rel, true));
    if (!udir.valid()) {
      // The launcher prints this message as it is: the name is the command's choice.
      return make_error("openat2(upper/" + printable(rel) + "): " + errno_text(errno) +
                        " (the sandbox's upper directory is unreadable)");
    }
    // The matching target directory; missing when the whole tree is new.
    Fd tdir(open_dir_beneath(m_target, rel, true));
    auto names = list_dir(udir.get());
    if (tdir.valid() && !rel.empty() && is_opaque(udir.get())) {
      std::set<std::string> kept(names.begin(), names.end());
      for (const auto& n : list_dir(tdir.get())) {
        if (kept.count(n)) continue;
        struct stat lst{};
        if (fstatat(tdir.get(), n.c_str(), &lst, AT_SYMLINK_NOFOLLOW) != 0) continue;
        push_delete(join_rel(rel, n), lst);
      }
    }
    for (const auto& name : names) {
      auto r = visit(udir.get(), tdir.valid() ? tdir.get() : -1, rel, name);
      if (!r) return r;
    }
    return {};
  }

  std::vector<Item> take() { return std::move(m_items); }

 private:
  void push_delete(const std::string& path, const struct stat& lower) {
    Item it;
    it.change.kind = Change::Kind::deleted;
    it.change.path = path;
    it.type = type_of(lower);
    it.mode = lower.st_mode & 07777;
    it.size = S_ISREG(lower.st_mode) ? static_cast<std::uint64_t>(lower.st_size) : 0;
    it.mtime = lower.st_mtim;
    it.target_is_dir = S_ISDIR(lower.st_mode);
    m_items.push_back(std::move(it));
  }

  Result<void> visit(int udir, int tdir, const std::string& rel, const std::string& name) {
    struct stat ust{};
    std::string path = join_rel(rel, name);
    if (fstatat(udir, name.c_str(), &ust, AT_SYMLINK_NOFOLLOW) != 0) {
      return make_error("fstatat(upper/" + printable(path) + "): " + errno_text(errno));
    }
    struct stat lst{};
    bool lower = tdir >= 0 && fstatat(tdir, name.c_str(), &lst, AT_SYMLINK_NOFOLLOW) == 0;
    EntryType type = type_of(ust);

    Item it;
    it.change.path = path;
    it.type = type;
    it.mode = ust.st_mode & 07777;
    it.size = S_ISREG(ust.st_mode) ? static_cast<std::uint64_t>(ust.st_size) : 0;
    it.allocated = S_ISREG(ust.st_mode) ? static_cast<std::uint64_t>(ust.st_blocks) * 512 : 0;
    it.block_size = static_cast<std::uint64_t>(ust.st_blksize);
    it.mtime = ust.st_mtim;

    if (type == EntryType::whiteout) {
      if (lower) push_delete(path, lst);
      return {};
    }
    // A different kind of entry replaced the lower one: delete it first.
    bool replaced = lower && (S_ISDIR(lst.st_mode) != (type == EntryType::directory));
    if (replaced) {
      push_delete(path, lst);
      lower = false;
    }
    switch (type) {
      case EntryType::directory:
        if (!lower) {
          it.change.kind = Change::Kind::created;
          m_items.push_back(it);
        } else if ((lst.st_mode & 07777) != it.mode) {
          it.change.kind = Change::Kind::mode_changed;
          m_items.push_back(it);
        }
        return walk(path);
      case EntryType::regular:
        if (!lower) {
          it.change.kind = Change::Kind::created;
        } else if (S_ISREG(lst.st_mode) && lst.st_size == ust.st_size && equal_files(udir, tdir, name)) {
          if ((lst.st_mode & 07777) == it.mode) return {};  // a copy-up without a change
          it.change.kind = Change::Kind::mode_changed;
        } else {
          it.change.kind = Change::Kind::modified;
        }
        m_items.push_back(it);
        return {};
      case EntryType::symlink:
        it.link_target = read_link_at(udir, name);
        if (lower && S_ISLNK(lst.st_mode) && read_link_at(tdir, name) == it.link_target) return {};
        it.change.kind = Change::Kind::symlink;
        m_items.push_back(it);
        return {};
      case EntryType::whiteout:
      case EntryType::fifo:
      case EntryType::socket:
      case EntryType::device:
        it.change.kind = lower ? Change::Kind::modified : Change::Kind::created;
        m_items.push_back(it);
        return {};
    }
    return {};
  }

  static bool equal_files(int udir, int tdir, const std::string& name) {
    Fd a(openat(udir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    Fd b(openat(tdir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    return a.valid() && b.valid() && same_content(a.get(), b.get());
  }

  int m_upper;
  int m_target;
  std::vector<Item> m_items;
};

// A deleted file and a created file with the same size, mtime and bytes are
// one rename: overlayfs copies a file up (keeping its mtime) before renaming.
void pair_renames(std::vector<Item>& items, int upper_fd, int target_fd) {
  using Key = std::tuple<std::uint64_t, std::int64_t, long>;
  std::multimap<Key, size_t> deleted;
  for (size_t i = 0; i < items.size(); ++i) {
    const auto& it = items[i];
    if (it.change.kind == Change::Kind::deleted && it.type == EntryType::regular && it.size > 0) {
      deleted.emplace(Key{it.size, it.mtime.tv_sec, it.mtime.tv_nsec}, i);
    }
  }
  if (deleted.empty()) return;
  std::vector<bool> drop(items.size(), false);
  for (auto& it : items) {
    if (it.change.kind != Change::Kind::created || it.type != EntryType::regular) continue;
    auto range = deleted.equal_range(Key{it.size, it.mtime.tv_sec, it.mtime.tv_nsec});
    for (auto d = range.first; d != range.second; ++d) {
      const auto& del = items[d->second];
      Fd a(openat2_raw(upper_fd, it.change.path.c_str(), O_RDONLY | O_CLOEXEC, 0, k_resolve_strict));
      Fd b(openat2_raw(target_fd, del.change.path.c_str(), O_RDONLY | O_CLOEXEC, 0, k_resolve_strict));
      if (!a.valid() || !b.valid() || !same_content(a.get(), b.get())) continue;
      it.change.kind = Change::Kind::renamed;
      it.change.from = del.change.path;
      drop[d->second] = true;
      deleted.erase(d);
      break;
    }
  }
  std::vector<Item> out;
  out.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    if (!drop[i]) out.push_back(std::move(items[i]));
  }
  items = std::move(out);
}

}  // namespace

const char* to_string(EntryType type) {
  switch (type) {
    case EntryType::regular: return "file";
    case EntryType::directory: return "directory";
    case EntryType::symlink: return "symlink";
    case EntryType::whiteout: return "whiteout";
    case EntryType::fifo: return "fifo";
    case EntryType::socket: return "socket";
    case EntryType::device: return "device node";
  }
  return "entry";
}

Result<std::vector<Item>> scan_upper(int upper_fd, int target_fd) {
  Scanner scanner(upper_fd, target_fd);
  auto r = scanner.walk("");
  if (!r) return r.error();
  auto items = scanner.take();
  pair_renames(items, upper_fd, target_fd);
  return items;
}

}  // namespace vg::sandbox::policy
