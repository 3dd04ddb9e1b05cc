#include "sandbox/secrets.hpp"

#include <climits>
#include <cstdlib>

#include "config/load.hpp"

namespace vg::sandbox {

namespace {

std::string real_path(const std::string& p) {
  char buf[PATH_MAX];
  if (p.empty() || !realpath(p.c_str(), buf)) return {};
  return buf;
}

}  // namespace

bool is_within(const std::string& p, const std::string& root) {
  if (root == "/") return true;
  return p == root || (p.size() > root.size() && p.compare(0, root.size(), root) == 0 && p[root.size()] == '/');
}

const std::vector<std::string>& home_secret_paths() {
  // Keys, tokens, credentials and shell histories: whatever the working
  // directory, a sandbox that can see them sees them empty.
  static const std::vector<std::string> k_paths = {
      ".ssh",           ".aws",          ".gnupg",          ".config/gh",       ".netrc",
      ".docker/config.json", ".kube",    ".git-credentials", ".npmrc",          ".pypirc",
      ".config/gcloud", ".azure",        ".vault-token",     ".pgpass",         ".my.cnf",
      ".cargo/credentials", ".cargo/credentials.toml", ".gem/credentials", ".terraform.d",
      ".password-store", ".local/share/keyrings", ".config/hub",  ".config/op",
      ".bash_history",  ".zsh_history",  ".python_history",  ".psql_history",   ".mysql_history",
      ".node_repl_history", ".lesshst",  ".viminfo",         ".local/share/fish/fish_history"};
  return k_paths;
}

std::vector<std::string> vg_own_dirs() {
  config::Dirs d = config::dirs();
  std::vector<std::string> out;
  for (const std::string* own : {&d.config, &d.state, &d.data, &d.cache}) {
    if (own->empty()) continue;
    out.push_back(*own);
    std::string real = real_path(*own);
    if (!real.empty() && real != *own) out.push_back(real);
  }
  return out;
}

WorkspaceVerdict classify_workspace(const std::string& ws, const std::string& home) {
  using K = WorkspaceKind;
  if (ws == "/") return {K::root, "the root directory"};
  for (const char* sys : {"/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/boot", "/dev",
                          "/proc", "/sys", "/run", "/root", "/snap", "/var/log", "/var/spool", "/var/mail",
                          "/var/lib/dpkg", "/var/lib/apt", "/var/lib/systemd", "/var/cache/apt"}) {
    if (is_within(ws, sys)) return {K::system, std::string("a system directory (") + sys + ")"};
  }
  // /var itself, /var/lib, /var/cache; not a project kept below them
  // (/var/lib/jenkins/workspace/app).
  for (const char* sys : {"/var", "/var/lib", "/var/cache", "/home", "/tmp", "/srv", "/opt", "/mnt", "/media"}) {
    if (ws == sys) return {K::system, std::string("a system directory (") + sys + ")"};
  }
  if (!home.empty() && is_within(home, ws)) {
    return {K::home, ws == home ? "the home directory" : "above the home directory"};
  }
  for (const auto& own : vg_own_dirs()) {
    if (is_within(own, ws)) return {K::vg_files, "a directory that holds vg's own files (" + own + ")"};
  }
  return {};
}

}  // namespace vg::sandbox
