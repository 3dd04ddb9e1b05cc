#include "sandbox/microvm/hide.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <climits>
#include <cstdlib>

#include "config/load.hpp"
#include "config/sha256.hpp"
#include "sandbox/secret_walk.hpp"
#include "sandbox/secrets.hpp"

namespace vg::sandbox::microvm {

namespace {

// Cover `path` (inside `workspace`) by its type. A link is never covered
// itself (a bind over it would land on its target wherever that is): what it
// points to is, when that is inside the workspace, since the guest resolves
// the link there. Outside, the guest cannot reach it through the share.
void cover(HiddenPaths& out, const std::string& workspace, const std::string& path) {
  struct stat st{};
  if (lstat(path.c_str(), &st) != 0) return;
  std::string target = path;
  if (S_ISLNK(st.st_mode)) {
    char buf[PATH_MAX];
    if (!realpath(path.c_str(), buf) || !is_within(buf, workspace) || stat(buf, &st) != 0) return;
    target = buf;
  }
  (S_ISDIR(st.st_mode) ? out.dirs : out.files).push_back(target);
}

void sort_unique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

std::string HiddenPaths::digest() const {
  config::Sha256 h;
  for (const auto* list : {&files, &dirs}) {
    for (const auto& p : *list) {
      h.update(p);
      h.update(std::string_view("\0", 1));
    }
    h.update("|");
  }
  return h.finish_hex().substr(0, 16);
}

Result<HiddenPaths> find_hidden_paths(const std::string& workspace, const std::vector<std::string>& exclude,
                                      const std::string& home) {
  HiddenPaths out;
  SecretWalk walk;
  walk.root = workspace;
  walk.exclude = exclude;
  walk.index_dir = config::dirs().cache + "/hidden";
  auto found = find_secret_paths(walk);
  if (!found) return found.error();
  for (const auto& p : found->paths) cover(out, workspace, p);
  for (const auto& p : found->unlisted) out.dirs.push_back(p);
  if (!home.empty()) {
    for (const auto& rel : home_secret_paths()) {
      std::string secret = home + "/" + rel;
      if (is_within(secret, workspace)) cover(out, workspace, secret);
      // ~/.ssh -> ~/dotfiles/ssh: the secret is wherever the link leads.
      struct stat st{};
      char buf[PATH_MAX];
      if (lstat(secret.c_str(), &st) == 0 && S_ISLNK(st.st_mode) && realpath(secret.c_str(), buf) && secret != buf &&
          is_within(buf, workspace)) {
        cover(out, workspace, buf);
      }
    }
  }
  for (const auto& own : vg_own_dirs()) {
    if (is_within(own, workspace) && own != workspace) cover(out, workspace, own);
  }
  sort_unique(out.files);
  sort_unique(out.dirs);
  return out;
}

}  // namespace vg::sandbox::microvm
