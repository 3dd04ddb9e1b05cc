#pragma once
// Following a symlink the way the kernel will once a write set is committed:
// component by component, through the run's links and the host's alike,
// with ".." taken from the directory the prefix resolved to (physically, not
// by erasing the previous name), and absolute targets mapped through where
// the volume appears inside the sandbox. A lexical check is not enough:
// `up -> ../../..` in a/b/c is harmless alone, but `x -> a/b/c/up/../../..`
// climbs out through it.

#include <map>
#include <string>

namespace vg::sandbox::policy {

// What a path in a tree is.
struct Node {
  enum class Kind { absent, directory, symlink, other };
  Kind kind = Kind::absent;
  std::string target;  // of a symlink
};

// A directory tree that symlink resolution looks names up in.
class TreeView {
 public:
  virtual ~TreeView() = default;
  // Return what `rel` is: a path relative to the root whose every parent is
  // a real directory (no symlink, ".", "..", or empty component in it).
  virtual Node lookup(const std::string& rel) = 0;
};

// The tree as it will be after a commit: the overlay upper directory over the
// directory it was layered on. An upper entry hides the lower one, a whiteout
// (character device 0/0) means absent, and an opaque upper directory hides
// the lower directory's contents. Lookups never follow a symlink.
class MergedView : public TreeView {
 public:
  // Show `upper_fd` over `lower_fd`; with `upper_fd` -1, `lower_fd` alone.
  // Neither descriptor is owned.
  MergedView(int upper_fd, int lower_fd) : m_upper(upper_fd), m_lower(lower_fd) {}
  Node lookup(const std::string& rel) override;

 private:
  bool hides_lower(const std::string& dir);
  int m_upper;
  int m_lower;
  std::map<std::string, Node> m_nodes;
  std::map<std::string, bool> m_hidden;
};

// The most symlinks one resolution follows, as the kernel (MAXSYMLINKS).
inline constexpr int k_max_symlinks = 40;

// Where a symlink leads.
struct Resolution {
  enum class Verdict {
    inside,            // resolves beneath the root, or dangles where nothing can climb out
    climbs_out,        // a ".." above the root
    absolute_outside,  // an absolute target not under the volume
    dangling_climbs_out,  // a missing (or non-directory) component followed by ".." steps leading out
    too_many_links,    // a loop, or more than k_max_symlinks to follow
  };
  Verdict verdict = Verdict::inside;
  std::string via;        // the other symlink whose target led out; "" when it is the link itself
  bool absolute = false;  // an absolute target was followed on the way
};

// Follow symlink `link` (a path relative to the root of `view`) with target
// `target` the way the kernel would (its last component too), and say
// whether it stays beneath the root. `volume_root` is the absolute path at
// which absolute targets see the root (where the volume appears inside the
// sandbox).
Resolution resolve_symlink(TreeView& view, const std::string& link, const std::string& target,
                           const std::string& volume_root);

// Return a reason for refusing a symlink with `target` resolved as `r`, or
// "" when `r` stays inside.
std::string describe(const Resolution& r, const std::string& target);

}  // namespace vg::sandbox::policy
