#include "sandbox/policy/resolve.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <deque>
#include <optional>
#include <string_view>
#include <vector>

#include "sandbox/policy/fs.hpp"

namespace vg::sandbox::policy {

namespace {

// Split `path` at '/', dropping empty and "." components (the kernel skips
// both); ".." stays, to be taken physically.
std::vector<std::string> components(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view c = path.substr(start, slash - start);
    if (!c.empty() && c != ".") out.emplace_back(c);
    start = slash + 1;
  }
  return out;
}

std::string joined(const std::vector<std::string>& dir, const std::string& name) {
  std::string out;
  for (const auto& c : dir) out = join_rel(out, c);
  return join_rel(out, name);
}

// What `name` in `dir_fd` is; nullopt when there is nothing. A whiteout is
// `absent` in an upper layer (it hides the lower entry) and `other` below.
std::optional<Node> node_in(int dir_fd, const std::string& name, bool upper) {
  struct stat st{};
  if (fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return std::nullopt;
  Node n;
  if (S_ISDIR(st.st_mode)) {
    n.kind = Node::Kind::directory;
  } else if (S_ISLNK(st.st_mode)) {
    n.kind = Node::Kind::symlink;
    n.target = read_link_at(dir_fd, name);
  } else if (upper && is_whiteout(st)) {
    n.kind = Node::Kind::absent;
  } else {
    n.kind = Node::Kind::other;
  }
  return n;
}

}  // namespace

bool MergedView::hides_lower(const std::string& dir) {
  if (dir.empty() || m_upper < 0) return false;
  if (auto it = m_hidden.find(dir); it != m_hidden.end()) return it->second;
  auto [parent, name] = split_parent(dir);
  bool hidden = hides_lower(parent);
  if (!hidden) {
    Fd up(open_dir_beneath(m_upper, parent));
    struct stat st{};
    if (up.valid() && fstatat(up.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      if (!S_ISDIR(st.st_mode)) {
        hidden = true;  // a whiteout or an entry of another kind replaced the lower directory
      } else {
        Fd d(openat2_raw(up.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, k_resolve_strict));
        hidden = d.valid() && is_opaque(d.get());
      }
    }
  }
  m_hidden.emplace(dir, hidden);
  return hidden;
}

Node MergedView::lookup(const std::string& rel) {
  if (auto it = m_nodes.find(rel); it != m_nodes.end()) return it->second;
  auto [parent, name] = split_parent(rel);
  std::optional<Node> found;
  if (m_upper >= 0) {
    Fd up(open_dir_beneath(m_upper, parent));
    if (up.valid()) found = node_in(up.get(), name, true);
  }
  if (!found && !hides_lower(parent)) {
    Fd low(open_dir_beneath(m_lower, parent));
    if (low.valid()) found = node_in(low.get(), name, false);
  }
  Node n = found.value_or(Node{});
  m_nodes.emplace(rel, n);
  return n;
}

Resolution resolve_symlink(TreeView& view, const std::string& link, const std::string& target,
                           const std::string& volume_root) {
  using Verdict = Resolution::Verdict;
  Resolution r;
  const std::vector<std::string> root = components(volume_root);
  // The directory the walk stands in: only real directories, so ".." is its parent.
  std::vector<std::string> cur = components(split_parent(link).first);
  std::deque<std::string> todo;
  std::string in_link = link;  // the symlink whose target is being walked
  int followed = 1;

  auto finish = [&](Verdict v) {
    r.verdict = v;
    r.via = in_link == link ? "" : in_link;
    return r;
  };
  // Put symlink target `t` in front of what is left to walk; false when it
  // is an absolute path that does not lead into the volume.
  auto expand = [&](const std::string& t) {
    auto parts = components(t);
    if (!t.empty() && t.front() == '/') {
      r.absolute = true;
      if (parts.size() < root.size() || !std::equal(root.begin(), root.end(), parts.begin())) return false;
      parts.erase(parts.begin(), parts.begin() + static_cast<std::ptrdiff_t>(root.size()));
      cur.clear();
    }
    todo.insert(todo.begin(), parts.begin(), parts.end());
    return true;
  };

  if (!expand(target)) return finish(Verdict::absolute_outside);
  while (!todo.empty()) {
    std::string c = std::move(todo.front());
    todo.pop_front();
    if (c == "..") {
      if (cur.empty()) return finish(Verdict::climbs_out);
      cur.pop_back();
      continue;
    }
    std::string path = joined(cur, c);
    Node n = view.lookup(path);
    if (n.kind == Node::Kind::directory) {
      cur.push_back(std::move(c));
      continue;
    }
    if (n.kind == Node::Kind::symlink && !n.target.empty()) {
      if (++followed > k_max_symlinks) {
        in_link = link;
        return finish(Verdict::too_many_links);
      }
      in_link = path;
      if (!expand(n.target)) return finish(Verdict::absolute_outside);
      continue;
    }
    // Nothing (or no directory) here: the kernel stops. Whatever is created
    // here later, a ".." after it is taken from inside it, so count levels:
    // the rest must not climb above the root from this depth.
    auto depth = static_cast<long>(cur.size()) + 1;
    for (const auto& rest : todo) {
      if (rest != "..") {
        ++depth;
      } else if (--depth < 0) {
        return finish(Verdict::dangling_climbs_out);
      }
    }
    return finish(Verdict::inside);
  }
  return finish(Verdict::inside);
}

std::string describe(const Resolution& r, const std::string& target) {
  std::string arrow = "(-> " + target + (r.via.empty() ? "" : ", via " + r.via) + ")";
  switch (r.verdict) {
    case Resolution::Verdict::inside:
      return "";
    case Resolution::Verdict::climbs_out:
      if (!r.via.empty()) return "symlink resolves outside the volume through another symlink " + arrow;
      return "symlink climbs out of the volume " + arrow;
    case Resolution::Verdict::absolute_outside:
      if (!r.via.empty()) return "symlink resolves outside the volume through another symlink " + arrow;
      return "symlink points outside the volume " + arrow;
    case Resolution::Verdict::dangling_climbs_out:
      return "symlink climbs out of the volume once a missing directory on its way is created " + arrow;
    case Resolution::Verdict::too_many_links:
      return "symlink loop, or more than " + std::to_string(k_max_symlinks) + " symlinks to follow " + arrow;
  }
  return "symlink not checked " + arrow;
}

}  // namespace vg::sandbox::policy
