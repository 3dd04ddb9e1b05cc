#include "sandbox/policy/git_rules.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

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
}  // namespace

std::vector<std::pair<std::string, std::string>> git_config_entries(const std::string& text) {
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

namespace {

bool boolean_text(const std::string& v) {
  std::string l = lower(v);
  return l == "true" || l == "false" || l == "yes" || l == "no" || l == "on" || l == "off" || l == "1" || l == "0";
}

// What git does with `key` = `value` that runs something, or "".
std::string command_effect(const std::string& key, const std::string& value) {
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

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A remote address git would reach by running a command: the ext:: and fd::
// transports, or an address read as an option.
bool commanding_url(const std::string& value) {
  std::string l = lower(value);
  return l.rfind("ext::", 0) == 0 || l.rfind("fd::", 0) == 0 || l.rfind('-', 0) == 0;
}

// Settings known to be inert: they name data, never a program. Matched as
// "section.name" or "section.*.name" (any subsection).
bool inert_setting(const std::string& key, const std::string& value) {
  if (key == "core.fsmonitor") return boolean_text(value);  // git's own daemon, no command
  static const char* const k_exact[] = {
      "core.repositoryformatversion", "core.filemode", "core.bare", "core.logallrefupdates", "core.ignorecase",
      "core.precomposeunicode", "core.symlinks", "core.autocrlf", "core.eol", "core.safecrlf", "core.quotepath",
      "core.abbrev", "core.compression", "core.loosecompression", "core.bigfilethreshold", "core.checkstat",
      "core.trustctime", "core.untrackedcache", "core.splitindex", "core.sparsecheckout", "core.sparsecheckoutcone",
      "core.commentchar", "core.whitespace", "core.multipackindex", "core.commitgraph", "core.preloadindex",
      "core.longpaths", "core.fscache", "extensions.objectformat", "extensions.worktreeconfig",
      "extensions.refstorage", "extensions.preciousobjects", "extensions.partialclone", "init.defaultbranch",
      "pull.rebase", "pull.ff", "push.default", "push.autosetupremote", "push.followtags", "fetch.prune",
      "fetch.prunetags", "fetch.recursesubmodules", "fetch.writecommitgraph", "fetch.parallel", "merge.ff",
      "merge.conflictstyle", "merge.log", "rebase.autosquash", "rebase.autostash", "rebase.updaterefs",
      "rerere.enabled", "rerere.autoupdate", "protocol.version", "worktree.guessremote", "tag.sort",
      "diff.renames", "diff.algorithm", "diff.colormoved", "diff.mnemonicprefix", "diff.noprefix",
      "status.showuntrackedfiles", "status.short", "status.branch", "log.decorate", "log.date",
      "help.autocorrect", "commit.verbose", "commit.cleanup", "commit.status", "index.version",
      "index.threads", "pack.threads", "gc.auto", "gc.autodetach", "gc.autopacklimit", "maintenance.auto",
      "maintenance.strategy", "blame.date", "grep.patterntype", "grep.linenumber", "column.ui",
      "feature.manyfiles", "feature.experimental", "i18n.commitencoding", "i18n.logoutputencoding", "lfs.repositoryformatversion"};
  for (const char* k : k_exact) {
    if (key == k) return true;
  }
  for (const char* section : {"user.", "author.", "committer.", "color.", "advice.", "branch."}) {
    if (key.rfind(section, 0) != 0) continue;
    // branch.NAME.{remote,merge,rebase,pushremote,description}; user.*,
    // color.*, advice.* name data only.
    if (std::string_view(section) != "branch.") return true;
    for (const char* name : {".remote", ".merge", ".rebase", ".pushremote", ".description"}) {
      if (ends_with(key, name)) return true;
    }
    return false;
  }
  if (key.rfind("remote.", 0) == 0) {
    for (const char* name : {".fetch", ".push", ".tagopt", ".prune", ".prunetags", ".mirror", ".skipdefaultupdate",
                             ".skipfetchall", ".promisor", ".partialclonefilter", ".followremotehead"}) {
      if (ends_with(key, name)) return true;
    }
    if (ends_with(key, ".url") || ends_with(key, ".pushurl")) return !commanding_url(value);
    return false;
  }
  if (key.rfind("submodule.", 0) == 0) {
    for (const char* name : {".active", ".branch", ".fetchrecursesubmodules", ".ignore", ".shallow"}) {
      if (ends_with(key, name)) return true;
    }
    if (ends_with(key, ".url")) return !commanding_url(value);
    if (ends_with(key, ".update")) {
      std::string v = lower(value);
      return v == "checkout" || v == "rebase" || v == "merge" || v == "none";
    }
    return false;
  }
  return false;
}

}  // namespace

std::string git_setting_verdict(const std::string& key, const std::string& value) {
  if (std::string e = command_effect(key, value); !e.empty()) return e;
  if (inert_setting(key, value)) return "";
  std::string quoted = "'" + key + " = " + value + "'";
  if ((ends_with(key, ".url") || ends_with(key, ".pushurl")) && commanding_url(value)) {
    return key + " would run a command when git reaches the remote (" + quoted + ")";
  }
  if (key.rfind("submodule.", 0) == 0 && ends_with(key, ".update")) {
    return key + " would run '" + value + "' on git submodule update";
  }
  return "git setting " + quoted + " is not one vg knows to be inert";
}

bool is_git_config_file(const std::string& inner) {
  if (inner == "config" || inner == "config.worktree") return true;
  for (const char* nest : {"modules/", "worktrees/"}) {
    if (inner.rfind(nest, 0) != 0) continue;
    // A module's name may hold '/': any split whose rest is a config.
    for (auto at = inner.find('/', std::string_view(nest).size()); at != std::string::npos;
         at = inner.find('/', at + 1)) {
      if (is_git_config_file(inner.substr(at + 1))) return true;
    }
  }
  return false;
}

namespace {

bool inert_git_path(const std::string& inner, const std::string& content, int depth) {
  if (depth > 8) return false;
  // Not refs/replace/ (it swaps what the host's checkouts write), nor
  // objects/info/alternates, nor an interrupted rebase's todo list (its
  // exec lines run on --continue).
  if (inner.rfind("refs/replace/", 0) == 0 || inner == "objects/info/alternates" ||
      inner == "objects/info/http-alternates") {
    return false;
  }
  for (const char* tree : {"objects/", "refs/", "logs/", "rr-cache/", "lfs/"}) {
    if (inner.rfind(tree, 0) == 0) return true;
  }
  static const char* const k_files[] = {
      "HEAD", "ORIG_HEAD", "FETCH_HEAD", "MERGE_HEAD", "MERGE_MSG", "MERGE_MODE", "MERGE_RR", "CHERRY_PICK_HEAD",
      "REVERT_HEAD", "REBASE_HEAD", "AUTO_MERGE", "BISECT_LOG", "BISECT_START", "BISECT_TERMS", "BISECT_EXPECTED_REV",
      "BISECT_ANCESTORS_OK", "BISECT_NAMES", "BISECT_HEAD", "COMMIT_EDITMSG", "TAG_EDITMSG", "NOTES_EDITMSG",
      "SQUASH_MSG", "EDIT_DESCRIPTION", "packed-refs", "description", "index", "shallow", "gitk.cache",
      "info/exclude", "info/refs", "info/sparse-checkout", "info/packs", "gitdir", "locked", "config",
      "config.worktree"};
  for (const char* f : k_files) {
    if (inner == f) return true;
  }
  if (ends_with(inner, ".lock") && inner.find('/') == std::string::npos) return true;  // index.lock, HEAD.lock
  if (inner.rfind("sharedindex.", 0) == 0) return true;
  if (inner.rfind("hooks/", 0) == 0 && ends_with(inner, ".sample") && inner.find('/', 6) == std::string::npos) return true;
  // A worktree's own git directory points back at the common one with "../..".
  if (inner == "commondir") return depth > 0 && (content == "../..\n" || content == "../..");
  for (const char* nest : {"modules/", "worktrees/"}) {
    if (inner.rfind(nest, 0) != 0) continue;
    for (auto at = inner.find('/', std::string_view(nest).size()); at != std::string::npos;
         at = inner.find('/', at + 1)) {
      if (inert_git_path(inner.substr(at + 1), content, depth + 1)) return true;
    }
  }
  return false;
}

}  // namespace

std::string git_internal_verdict(const std::string& inner, const std::string& content) {
  if (inert_git_path(inner, content, 0)) return "";
  if (inner.rfind("hooks/", 0) == 0 || inner.find("/hooks/") != std::string::npos) {
    return "git would run this hook on the host";
  }
  if (inner == "commondir" || ends_with(inner, "/commondir")) {
    return "a commondir would make git take its configuration and hooks from elsewhere";
  }
  if (inner == "info/attributes" || ends_with(inner, "/info/attributes")) {
    return "git applies attributes from it (filters, diff and merge drivers) on the host";
  }
  return "git reads .git/" + inner + ", which is not one of the files vg knows git only keeps data in";
}

}  // namespace vg::sandbox::policy
