#include "sandbox/policy/protect.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

#include "sandbox/policy/fs.hpp"
#include "sandbox/policy/glob.hpp"

namespace vg::sandbox::policy {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  size_t b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

// A git config value: quotes removed, a trailing comment dropped.
std::string config_value(std::string v) {
  std::string out;
  bool quoted = false;
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && (c == '#' || c == ';')) {
      break;
    } else if (c == '\\' && i + 1 < v.size()) {
      out += v[++i];
    } else {
      out += c;
    }
  }
  return trim(out);
}

// Every key = value of a git config, keys as "section.sub.name" lowercased
// (the subsection keeps its case, as git does, but is compared lowercased
// here: only the section and the name decide).
std::vector<std::pair<std::string, std::string>> config_entries(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string section;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    std::string line = trim(text.substr(start, nl - start));
    start = nl + 1;
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line[0] == '[') {
      size_t close = line.find(']');
      std::string head = line.substr(1, close == std::string::npos ? std::string::npos : close - 1);
      size_t quote = head.find('"');
      if (quote != std::string::npos) {
        std::string sub = head.substr(quote + 1);
        if (!sub.empty() && sub.back() == '"') sub.pop_back();
        section = lower(trim(head.substr(0, quote))) + "." + lower(sub);
      } else {
        section = lower(trim(head));
      }
      // `[core] fsmonitor = x` on one line: the rest is an entry.
      line = close == std::string::npos ? "" : trim(line.substr(close + 1));
      if (line.empty()) continue;
    }
    size_t eq = line.find('=');
    std::string key = lower(trim(line.substr(0, eq)));
    std::string value = eq == std::string::npos ? "true" : config_value(line.substr(eq + 1));
    out.emplace_back(section + "." + key, value);
  }
  return out;
}

bool boolean_text(const std::string& v) {
  std::string l = lower(v);
  return l == "true" || l == "false" || l == "yes" || l == "no" || l == "on" || l == "off" || l == "1" || l == "0";
}

// What git does with `key` = `value`, or "" when it runs nothing.
std::string effect(const std::string& key, const std::string& value) {
  auto name_is = [&](const char* last) {
    std::string suffix = std::string(".") + last;
    return key.size() > suffix.size() && key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  auto starts = [&](const char* prefix) { return key.rfind(prefix, 0) == 0; };
  std::string quoted = "'" + value + "'";
  if (key == "core.fsmonitor") {
    return boolean_text(value) ? "" : "core.fsmonitor would run " + quoted + " on your next git command";
  }
  if (key == "core.hookspath") return "core.hooksPath would make git run hooks from " + quoted;
  if (key == "core.worktree") return "core.worktree would make git check files out in " + quoted;
  if (key == "include.path" || (starts("includeif.") && name_is("path"))) {
    return key + " would make git read configuration from " + quoted;
  }
  if (starts("alias.")) return value.rfind('!', 0) == 0 ? key + " would run " + quoted + " as a git command" : "";
  static const char* const k_commands[] = {
      "core.sshcommand", "core.pager",  "core.editor",       "core.askpass",  "core.gitproxy",
      "core.alternaterefscommand",     "sequence.editor",   "diff.external", "gpg.program",
      "uploadpack.packobjectshook",    "interactive.difffilter", "web.browser", "credential.helper"};
  for (const char* k : k_commands) {
    if (key == k) return key + " would run " + quoted + " when git uses it";
  }
  if ((starts("diff.") && (name_is("textconv") || name_is("command"))) || (starts("merge.") && name_is("driver")) ||
      (starts("filter.") && (name_is("clean") || name_is("smudge") || name_is("process"))) ||
      (starts("credential.") && name_is("helper")) || (starts("gpg.") && name_is("program")) ||
      (starts("remote.") && (name_is("uploadpack") || name_is("receivepack"))) || starts("pager.") ||
      (starts("browser.") && name_is("cmd")) || (starts("man.") && name_is("cmd"))) {
    return key + " would run " + quoted + " when git uses it";
  }
  return "";
}

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

bool is_git_config(const std::string& rel) {
  return glob_match("**/.git/config", rel) || glob_match("**/.git/config.worktree", rel) ||
         glob_match("**/.git/modules/**/config", rel) || rel == ".git/config" || rel == ".git/config.worktree";
}

bool in_git_hooks(const std::string& rel) {
  return rel.rfind(".git/hooks/", 0) == 0 || rel.find("/.git/hooks/") != std::string::npos ||
         (rel.find(".git/modules/") != std::string::npos && rel.find("/hooks/") != std::string::npos);
}

std::string accept_hint(const std::string& rel) {
  return "; to accept it, add '" + rel + "' to sandbox.allow_protected, or copy it from the quarantine";
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
      ".gitconfig",   ".git-credentials", ".vg.yaml",  ".config/vg",   ".config/git"};
  return k_patterns;
}

std::vector<std::string> git_config_commands(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& [key, value] : config_entries(text)) {
    std::string e = effect(key, value);
    if (!e.empty()) out.push_back(e);
  }
  return out;
}

std::string protected_change(const Item& it, int upper_fd, int target_fd, const std::vector<std::string>& allowed) {
  const std::string& rel = it.change.path;
  if (it.change.kind == Change::Kind::deleted) return "";  // removing a trap lets nothing run
  if (first_match(allowed, rel)) return "";
  // A `.git` that is a file (or a link) sends git to another repository.
  if (base_name(rel) == ".git" && it.type != EntryType::directory) {
    return "protected: a .git that is not a directory would send git to another repository (gitdir:)" +
           accept_hint(rel);
  }
  if (in_git_hooks(rel) && it.type != EntryType::directory) {
    if (rel.size() > 7 && rel.compare(rel.size() - 7, 7, ".sample") == 0) return "";
    return "protected: git would run this hook (" + rel + ") on the host" + accept_hint(rel);
  }
  if (is_git_config(rel) && it.type == EntryType::regular) {
    // Settings the host already has are the user's; new ones that run
    // something are refused, with what they would run.
    std::set<std::string> before;
    for (const auto& e : git_config_commands(read_small(target_fd, rel))) before.insert(e);
    std::string news;
    for (const auto& e : git_config_commands(read_small(upper_fd, rel))) {
      if (before.count(e)) continue;
      news += (news.empty() ? "" : "; ") + e;
    }
    if (news.empty()) return "";
    return "protected: " + news + accept_hint(rel);
  }
  if (const std::string* p = first_match(builtin_protected_patterns(), rel)) {
    return "protected: the host runs or reads '" + *p + "' as configuration" + accept_hint(rel);
  }
  return "";
}

}  // namespace vg::sandbox::policy
