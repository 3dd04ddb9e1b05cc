#include "sandbox/policy/host_links.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <set>

#include "sandbox/policy/fs.hpp"

namespace vg::sandbox::policy {

namespace {

bool has_dot_dot(const std::string& target) {
  size_t start = 0;
  while (start <= target.size()) {
    size_t slash = target.find('/', start);
    if (slash == std::string::npos) slash = target.size();
    if (target.compare(start, slash - start, "..") == 0 && slash - start == 2) return true;
    start = slash + 1;
  }
  return false;
}

struct HostLink {
  std::string path;
  std::string target;
};

// Collect the links with a ".." step in the tree at `root_fd`, not
// following links; false when the walk ran past the budget.
bool collect(int root_fd, std::vector<HostLink>& out) {
  std::vector<std::string> stack{""};
  std::size_t seen = 0;
  while (!stack.empty()) {
    std::string rel = stack.back();
    stack.pop_back();
    Fd dir(open_dir_beneath(root_fd, rel, true));
    if (!dir.valid()) continue;
    int fd = dir.release();
    DIR* d = fdopendir(fd);
    if (!d) {
      close(fd);
      continue;
    }
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      if (++seen > k_host_link_walk_budget) {
        closedir(d);
        return false;
      }
      std::string path = join_rel(rel, name);
      unsigned char type = e->d_type;
      if (type == DT_UNKNOWN) {
        struct stat st{};
        if (fstatat(dirfd(d), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
      }
      if (type == DT_DIR) {
        stack.push_back(path);
      } else if (type == DT_LNK) {
        std::string target = read_link_at(dirfd(d), name);
        if (has_dot_dot(target)) out.push_back({path, target});
      }
    }
    closedir(d);
  }
  return true;
}

}  // namespace

std::string host_link_led_out(int target_fd, const std::vector<Item>& items, TreeView& merged,
                              const std::string& volume_root) {
  std::set<std::string> changed;
  bool adds_links = false;
  for (const Item& it : items) {
    changed.insert(it.change.path);
    if (it.type == EntryType::symlink && it.change.kind != Change::Kind::deleted) adds_links = true;
  }
  if (!adds_links) return "";
  std::vector<HostLink> links;
  if (!collect(target_fd, links)) {
    return "the directory holds more than " + std::to_string(k_host_link_walk_budget) +
           " entries: what new links would change in the links already there cannot be checked";
  }
  MergedView host(-1, target_fd);
  for (const HostLink& l : links) {
    if (changed.count(l.path)) continue;  // the run's own: checked as such
    Resolution after = resolve_symlink(merged, l.path, l.target, volume_root);
    if (after.verdict == Resolution::Verdict::inside) continue;
    Resolution before = resolve_symlink(host, l.path, l.target, volume_root);
    if (before.verdict != Resolution::Verdict::inside) continue;  // led out already: the host's own
    return "the existing link " + l.path + " (-> " + l.target + ") would lead out of the volume through the run's links";
  }
  return "";
}

}  // namespace vg::sandbox::policy
