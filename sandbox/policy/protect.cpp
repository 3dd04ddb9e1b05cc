#include "sandbox/policy/protect.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <set>
#include <utility>

#include "sandbox/policy/fs.hpp"
#include "sandbox/policy/git_rules.hpp"
#include "sandbox/policy/glob.hpp"

namespace vg::sandbox::policy {

namespace {

std::string read_small(int dir_fd, const std::string& rel) {
  if (dir_fd < 0) return "";
  Fd f(openat2_raw(dir_fd, rel.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0, k_resolve_strict));
  if (!f.valid()) return "";
  std::string text;
  char buf[8192];
  ssize_t n;
  while ((n = read(f.get(), buf, sizeof buf)) > 0 && text.size() < (1u << 20)) text.append(buf, static_cast<size_t>(n));
  return text;
}

std::string base_name(const std::string& rel) {
  auto slash = rel.rfind('/');
  return slash == std::string::npos ? rel : rel.substr(slash + 1);
}

// The path below the git directory that `rel` is in ("objects/ab/cd" for
// ".git/objects/ab/cd", "HEAD" for "lib/.git/HEAD"); false when it is not in one.
bool inside_git_dir(const std::string& rel, std::string& inner) {
  if (rel.rfind(".git/", 0) == 0) {
    inner = rel.substr(5);
    return true;
  }
  auto at = rel.rfind("/.git/");
  if (at == std::string::npos) return false;
  inner = rel.substr(at + 6);
  return true;
}

// True when `dir` ("" for the root) is a git directory in the run's view
// (upper over host): a HEAD file and objects/ and refs/ directories, which
// is what git itself looks for (a bare repository, a `.git` elsewhere).
bool looks_like_git_dir(int upper_fd, int target_fd, const std::string& dir) {
  auto has = [&](const char* name, bool want_dir) {
    std::string p = dir.empty() ? name : dir + "/" + name;
    for (int fd : {upper_fd, target_fd}) {
      struct stat st{};
      if (fd >= 0 && fstatat(fd, p.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) == want_dir) {
        return true;
      }
    }
    return false;
  };
  return has("HEAD", false) && has("objects", true) && has("refs", true);
}

// The git directory `rel` is in, by name (`.git`) or by content (a bare
// repository anywhere, the root included): the path below it in `inner`.
bool inside_any_git_dir(const std::string& rel, int upper_fd, int target_fd, const HostIndirections& host,
                        std::string& inner) {
  if (inside_git_dir(rel, inner)) return true;
  for (size_t at = rel.rfind('/'); ; at = rel.rfind('/', at - 1)) {
    std::string dir = at == std::string::npos ? "" : rel.substr(0, at);
    auto known = host.git_dirs.find(dir);
    bool is_git = known != host.git_dirs.end() ? known->second
                                                 : (host.git_dirs[dir] = looks_like_git_dir(upper_fd, target_fd, dir));
    if (is_git) {
      inner = dir.empty() ? rel : rel.substr(dir.size() + 1);
      return true;
    }
    if (at == std::string::npos || at == 0) return false;
  }
}

std::string accept_hint(const std::string& rel) {
  return "; to accept it, add '" + rel + "' to sandbox.allow_protected, or copy it from the quarantine";
}

// The settings of a git config that a run added or changed and may not:
// one line each, "" when every new one is inert.
std::string new_git_settings(const std::string& before_text, const std::string& after_text) {
  std::set<std::pair<std::string, std::string>> before;
  for (const auto& e : git_config_entries(before_text)) before.insert(e);
  std::string news;
  for (const auto& [key, value] : git_config_entries(after_text)) {
    if (before.count({key, value})) continue;
    std::string v = git_setting_verdict(key, value);
    if (!v.empty()) news += (news.empty() ? "" : "; ") + v;
  }
  return news;
}

// Where `rel` (beneath `root_fd`) leads on the host, as a path beneath the
// root ("" when it is no link or leads outside).
std::string host_link_target(int root_fd, const std::string& root_real, const std::string& rel) {
  struct stat st{};
  if (fstatat(root_fd, rel.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISLNK(st.st_mode)) return "";
  Fd f(openat2_raw(root_fd, rel.c_str(), O_PATH | O_CLOEXEC, 0, 0x08 /*RESOLVE_BENEATH*/ | 0x02 /*NO_MAGICLINKS*/));
  if (!f.valid()) return "";
  char buf[PATH_MAX];
  ssize_t n = readlink(("/proc/self/fd/" + std::to_string(f.get())).c_str(), buf, sizeof buf - 1);
  if (n <= 0) return "";
  std::string real(buf, static_cast<size_t>(n));
  if (real.size() <= root_real.size() + 1 || real.compare(0, root_real.size(), root_real) != 0 ||
      real[root_real.size()] != '/') {
    return "";
  }
  return real.substr(root_real.size() + 1);
}

// `value` (a path in a git config: absolute, "~/x", or relative to the
// root) as a path beneath `root`, `..` applied lexically; "" when outside.
std::string tree_path(const std::string& root, const std::string& value) {
  std::string path = value;
  if (path.rfind("~/", 0) == 0 && getenv("HOME")) path = std::string(getenv("HOME")) + path.substr(1);
  if (path.empty()) return "";
  if (path[0] != '/') path = root + "/" + path;
  std::vector<std::string> parts;
  size_t at = 0;
  while (at <= path.size()) {
    size_t next = path.find('/', at);
    if (next == std::string::npos) next = path.size();
    std::string part = path.substr(at, next - at);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    at = next + 1;
  }
  std::string norm;
  for (const auto& p : parts) norm += "/" + p;
  if (norm.size() <= root.size() + 1 || norm.compare(0, root.size(), root) != 0 || norm[root.size()] != '/') return "";
  return norm.substr(root.size() + 1);
}

bool is_within_rel(const std::string& rel, const std::string& dir) {
  return rel == dir || (rel.size() > dir.size() && rel.compare(0, dir.size(), dir) == 0 && rel[dir.size()] == '/');
}

}  // namespace

const std::vector<std::string>& builtin_protected_patterns() {
  // Run or read as configuration by the host: direnv, editors and IDEs,
  // coding agents, package managers, shells, ssh, git's global files, vg.
  static const std::vector<std::string> k_patterns = {
      ".envrc",       ".vscode",      ".idea",         ".claude",      ".mcp.json",   ".codex",
      ".cursor",      ".gemini",      ".npmrc",        ".pypirc",      ".yarnrc",     ".yarnrc.yml",
      ".ssh",         ".bashrc",      ".bash_profile", ".bash_login",  ".bash_logout", ".profile",
      ".zshrc",       ".zshenv",      ".zprofile",     ".zlogin",      ".zlogout",    ".config/fish",
      ".gitconfig",   ".git-credentials", ".vg.yaml",  ".config/vg",   ".config/git",
      // Run on a git commit by hook managers; read by editors, debuggers,
      // database clients, tool managers and agents when they open the
      // directory; run by package managers on every command.
      ".husky",       ".pre-commit-config.yaml", "lefthook.yml", ".lefthook.yml", ".lefthook", ".overcommit.yml",
      ".hg/hgrc",     ".devcontainer", ".exrc",        ".nvimrc",      ".nvim.lua",   ".gdbinit",
      ".lldbinit",    ".psqlrc",      ".sqliterc",     "mise.toml",    ".mise.toml",  ".zed",
      ".continue",    ".windsurf",    ".cursorrules",  ".windsurfrules", "CLAUDE.md", "AGENTS.md",
      "GEMINI.md",    ".github/copilot-instructions.md", ".cargo/config", ".cargo/config.toml",
      ".pnpmfile.cjs", "bunfig.toml", ".bunfig.toml", ".yarn/releases", ".yarn/plugins", "pip.conf",
      ".condarc",     ".cargo",       "rust-toolchain", "rust-toolchain.toml", "lefthook-local.yml",
      "lefthook.json", "lefthook.toml", "lefthook.yaml", ".lefthook-local", ".lintstagedrc*", "lint-staged.config.*",
      "commitlint.config.*", ".commitlintrc*", ".simple-git-hooks*", "simple-git-hooks.*", "opencode.json",
      ".opencode",    ".roo",         ".kiro",         ".amazonq",     ".aider.conf.yml", ".clinerules",
      ".goosehints",  ".junie",       ".rules",        "CONVENTIONS.md", ".augment-guidelines", ".github/instructions",
      ".github/prompts", ".devcontainer.json", "*.code-workspace", ".theia", ".fleet", ".helix",
      ".config/mise", ".mise",        ".rtx.toml",     ".lvimrc",      ".dir-locals.el", ".pdbrc", ".irbrc",
      ".pryrc",       ".tool-versions", ".python-version", ".nvmrc", ".node-version"};
  return k_patterns;
}

std::vector<std::string> git_config_commands(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& [key, value] : git_config_entries(text)) {
    std::string e = git_setting_verdict(key, value);
    if (!e.empty()) out.push_back(e);
  }
  return out;
}

HostIndirections host_indirections(int target_fd) {
  HostIndirections out;
  char buf[PATH_MAX];
  ssize_t n = readlink(("/proc/self/fd/" + std::to_string(target_fd)).c_str(), buf, sizeof buf - 1);
  if (n <= 0) return out;
  std::string root(buf, static_cast<size_t>(n));
  // A protected name that is a link on the host protects what it leads to.
  for (const auto& p : builtin_protected_patterns()) {
    if (has_wildcard(p)) continue;
    std::string to = host_link_target(target_fd, root, p);
    if (!to.empty()) out.led_to.emplace_back(to, "'" + p + "'");
  }
  // The home's own files kept in a project (a dotfiles repository:
  // ~/.bashrc -> ~/dotfiles/bashrc) are the home's rc files there.
  if (const char* home = getenv("HOME"); home && *home == '/') {
    for (const auto& p : builtin_protected_patterns()) {
      if (has_wildcard(p)) continue;
      char real[PATH_MAX];
      std::string in_home = std::string(home) + "/" + p;
      struct stat st{};
      if (lstat(in_home.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) continue;  // only links lead elsewhere
      if (!realpath(in_home.c_str(), real) || in_home == real) continue;
      std::string where = tree_path(root, real);
      if (!where.empty()) out.led_to.emplace_back(where, "'~/" + p + "'");
    }
  }
  // git's own: a .git, its config or its hooks directory that is a link.
  for (const char* name : {".git", ".git/config", ".git/hooks", ".git/info", ".git/info/attributes"}) {
    std::string to = host_link_target(target_fd, root, name);
    if (!to.empty()) out.led_to.emplace_back(to, "'" + std::string(name) + "'");
  }
  // So does each hook that is a link (.git/hooks/pre-commit -> ../../scripts/x).
  Fd hooks(open_dir_beneath(target_fd, ".git/hooks", true));
  if (hooks.valid()) {
    if (DIR* d = fdopendir(dup(hooks.get()))) {
      while (dirent* e = readdir(d)) {
        std::string rel = std::string(".git/hooks/") + e->d_name;
        std::string to = e->d_name[0] == '.' ? "" : host_link_target(target_fd, root, rel);
        if (!to.empty()) out.led_to.emplace_back(to, "'" + rel + "'");
      }
      closedir(d);
    }
  }
  // core.hooksPath: git runs hooks from there (husky's .husky/_ sources the
  // scripts beside it, so a "_" directory protects its parent too).
  // Files the host's git config reads or runs from inside the tree:
  // core.hooksPath's directory, included configs, core.attributesFile.
  for (const auto& [key, value] : git_config_entries(read_small(target_fd, ".git/config"))) {
    bool include = key == "include.path" || (key.rfind("includeif.", 0) == 0 && key.size() > 5 &&
                                             key.compare(key.size() - 5, 5, ".path") == 0);
    if (key != "core.hookspath" && key != "core.attributesfile" && !include) continue;
    // Relative include paths are relative to the config file (.git/).
    std::string where = tree_path(root, include ? ".git/" + value : value);
    if (where.empty()) continue;
    if (key == "core.hookspath") {
      out.hook_dirs.push_back(where);
      if (base_name(where) == "_" && where.find('/') != std::string::npos) {
        out.hook_dirs.push_back(where.substr(0, where.rfind('/')));  // husky's scripts beside its _ directory
      }
    } else {
      out.led_to.emplace_back(where, ".git/config's " + key);
    }
  }
  return out;
}

std::string protected_change(const Item& it, int upper_fd, int target_fd, const std::vector<std::string>& allowed,
                             const HostIndirections& host) {
  const std::string& rel = it.change.path;
  if (it.change.kind == Change::Kind::deleted) return "";  // removing a trap lets nothing run
  if (first_match(allowed, rel)) return "";
  // A `.git` that is a file (or a link) sends git to another repository.
  if (base_name(rel) == ".git" && it.type != EntryType::directory) {
    return "protected: a .git that is not a directory would send git to another repository (gitdir:)" +
           accept_hint(rel);
  }
  std::string inner;
  if (inside_any_git_dir(rel, upper_fd, target_fd, host, inner)) {
    if (it.type == EntryType::directory) return "";
    if (is_git_config_file(inner) && it.type == EntryType::regular) {
      // Settings the host already has are the user's; new ones that are
      // not known to be inert are refused, with what they would do.
      std::string news = new_git_settings(read_small(target_fd, rel), read_small(upper_fd, rel));
      return news.empty() ? "" : "protected: " + news + accept_hint(rel);
    }
    std::string why = git_internal_verdict(inner, it.type == EntryType::regular ? read_small(upper_fd, rel) : "");
    return why.empty() ? "" : "protected: " + why + " (" + rel + ")" + accept_hint(rel);
  }
  for (const auto& [to, name] : host.led_to) {
    if (is_within_rel(rel, to)) {
      return "protected: on the host, " + name + " leads here, so the host runs or reads it as configuration" +
             accept_hint(rel);
    }
  }
  for (const auto& dir : host.hook_dirs) {
    if (is_within_rel(rel, dir) && it.type != EntryType::directory) {
      return "protected: git runs hooks from '" + dir + "' (core.hooksPath) on the host" + accept_hint(rel);
    }
  }
  if (const std::string* p = first_match(builtin_protected_patterns(), rel)) {
    return "protected: the host runs or reads '" + *p + "' as configuration" + accept_hint(rel);
  }
  return "";
}

}  // namespace vg::sandbox::policy
