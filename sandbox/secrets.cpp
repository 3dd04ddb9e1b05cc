#include "sandbox/secrets.hpp"

#include <climits>
#include <cstdlib>
#include <string_view>

#include "config/load.hpp"

namespace vg::sandbox {

std::string real_path(const std::string& p) {
  char buf[PATH_MAX];
  if (p.empty() || !realpath(p.c_str(), buf)) return {};
  return buf;
}

std::string real_home(const std::vector<std::string>& env) {
  std::string home;
  for (const auto& e : env) {
    if (e.rfind("HOME=", 0) == 0) home = e.substr(5);
  }
  if (home.empty() && getenv("HOME")) home = getenv("HOME");
  std::string real = real_path(home);
  return real.empty() ? home : real;
}

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
      ".node_repl_history", ".lesshst",  ".viminfo",         ".local/share/fish/fish_history",
      ".local/state/zsh", ".config/zsh/.zsh_history", ".config/git/credentials", ".claude/.credentials.json",
      ".codex/auth.json", ".config/containers/auth.json", ".local/share/containers/auth.json",
      ".config/sops",   ".config/rclone", ".config/github-copilot", ".m2/settings.xml",
      ".gradle/gradle.properties", ".config/composer/auth.json", ".composer/auth.json", ".oci",
      ".vercel",        ".netlify",      ".config/netlify", ".npm/_authToken", ".config/doctl", ".config/hcloud",
      ".fly",           ".config/heroku", ".heroku",       ".config/age",     ".age",         ".mozilla",
      ".config/google-chrome", ".config/chromium", ".config/BraveSoftware", ".thunderbird", ".config/Slack",
      ".wrangler",      ".config/wrangler", ".aptible",    ".boto",           ".s3cfg",       ".config/openstack",
      ".terraformrc",   ".pulumi/credentials.json", ".config/kaggle", ".kaggle", ".huggingface", ".cache/huggingface/token"};
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
  // Below the home, its configuration and tools (~/.config/git,
  // ~/.local/bin, ~/.cargo/bin, ~/bin): what is there runs or configures
  // the user's programs, and holds secrets.
  if (!home.empty() && is_within(ws, home)) {
    std::string first = ws.substr(home.size() + 1);
    first = first.substr(0, first.find('/'));
    if (first[0] == '.' || first == "bin") return {K::home, "the home's own configuration (~/" + first + ")"};
  }
  for (const auto& own : vg_own_dirs()) {
    if (is_within(own, ws)) return {K::vg_files, "a directory that holds vg's own files (" + own + ")"};
  }
  // Where vg itself runs from (bin/, libexec/vg/): a run that may write
  // there replaces vg or vg-full for every later command.
  std::string exe = real_path("/proc/self/exe");
  std::string dir = exe.substr(0, exe.rfind('/'));
  std::vector<std::string> install = {dir};
  constexpr std::string_view k_libexec = "/libexec/vg";
  if (dir.size() > k_libexec.size() && dir.compare(dir.size() - k_libexec.size(), k_libexec.size(), k_libexec) == 0) {
    install.push_back(dir.substr(0, dir.size() - k_libexec.size()) + "/bin");
  }
  for (const auto& d : install) {
    if (!exe.empty() && is_within(ws, d)) return {K::vg_files, "the directory vg runs from (" + d + ")"};
  }
  return {};
}

}  // namespace vg::sandbox
