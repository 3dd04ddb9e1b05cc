#include "sandbox/microvm/hide.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/sha256.hpp"
#include "sandbox/policy/glob.hpp"
#include "sandbox/policy/policy.hpp"

namespace vg::sandbox::microvm {

namespace {
constexpr int k_entry_budget = 200000;
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

HiddenPaths find_hidden_paths(const std::string& workspace, const std::vector<std::string>& exclude) {
  HiddenPaths out;
  const auto& secrets = policy::builtin_secret_patterns();
  std::vector<std::string> stack{""};
  int budget = k_entry_budget;
  while (!stack.empty()) {
    std::string rel = stack.back();
    stack.pop_back();
    std::string dir = rel.empty() ? workspace : workspace + "/" + rel;
    int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) continue;
    DIR* d = fdopendir(dfd);
    if (!d) {
      close(dfd);
      continue;
    }
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name == "." || name == ".." || (rel.empty() && name == ".git")) continue;
      if (--budget < 0) {
        out.truncated = true;
        break;
      }
      std::string child = rel.empty() ? name : rel + "/" + name;
      unsigned char type = e->d_type;
      if (type == DT_UNKNOWN) {
        struct stat st{};
        if (fstatat(dfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
      }
      if (type == DT_LNK) continue;  // served as a link; the guest resolves it inside the guest
      bool hidden = policy::first_match(secrets, child) || policy::first_match(exclude, child);
      if (hidden) {
        (type == DT_DIR ? out.dirs : out.files).push_back(workspace + "/" + child);
      } else if (type == DT_DIR) {
        stack.push_back(child);
      }
    }
    closedir(d);
    if (out.truncated) break;
  }
  return out;
}

}  // namespace vg::sandbox::microvm
