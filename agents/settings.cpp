#include "agents/settings.hpp"

#include <sys/stat.h>

#include "agents/json_text.hpp"
#include "agents/rewrite.hpp"
#include "router/json_read.hpp"

namespace vg::agents {
namespace {

using router::Json;

bool exists(const std::string& path) {
  struct stat st{};
  return ::lstat(path.c_str(), &st) == 0;
}

// Claude Code, Codex and Gemini group hooks under a matcher:
//   {"hooks": {EVENT: [{"matcher": TOOL, "hooks": [{"type": "command", "command": CMD}]}]}}
// Cursor lists them directly:
//   {"version": 1, "hooks": {"beforeShellExecution": [{"command": CMD}]}}
bool grouped(Harness h) { return h != Harness::cursor; }

Result<Json> parse_settings(const std::string& text) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return json_object();
  auto parsed = router::parse_json(text);
  if (!parsed) return make_error("not valid JSON (" + parsed.error().message + "); vg leaves it alone");
  if (!parsed->is_object()) return make_error("not a JSON object; vg leaves it alone");
  return std::move(parsed).value();
}

// The event's hook list, or nullptr when absent; an Error for another shape.
Result<Json*> event_list(Json& root, Harness h, bool create) {
  Json* hooks = const_cast<Json*>(root.get("hooks"));
  if (!hooks) {
    if (!create) return static_cast<Json*>(nullptr);
    hooks = &member(root, "hooks", json_object());
  }
  if (!hooks->is_object()) return make_error("its \"hooks\" is not an object; vg leaves it alone");
  Json* list = const_cast<Json*>(hooks->get(event_name(h)));
  if (!list) {
    if (!create) return static_cast<Json*>(nullptr);
    Json empty;
    empty.type = Json::Type::array;
    list = &member(*hooks, event_name(h), empty);
  }
  if (!list->is_array()) {
    return make_error(std::string("its \"hooks\".\"") + event_name(h) + "\" is not a list; vg leaves it alone");
  }
  return list;
}

bool is_vg_entry(Harness h, const Json& entry) {
  return entry.is_object() && is_vg_hook(h, entry.get_string("command"));
}

// Remove vg's entries from `list`; drop groups they leave empty. True when any was removed.
bool remove_vg(Harness h, Json& list) {
  bool removed = false;
  std::vector<Json> kept;
  for (auto& item : list.items) {
    if (!grouped(h)) {
      if (is_vg_entry(h, item)) {
        removed = true;
        continue;
      }
      kept.push_back(std::move(item));
      continue;
    }
    Json* inner = item.is_object() ? const_cast<Json*>(item.get("hooks")) : nullptr;
    if (!inner || !inner->is_array()) {
      kept.push_back(std::move(item));
      continue;
    }
    std::vector<Json> entries;
    for (auto& entry : inner->items) {
      if (is_vg_entry(h, entry)) removed = true;
      else entries.push_back(std::move(entry));
    }
    bool had = !inner->items.empty();
    inner->items = std::move(entries);
    if (had && inner->items.empty()) continue;  // the group held only vg's hook
    kept.push_back(std::move(item));
  }
  list.items = std::move(kept);
  return removed;
}

// Drop the event list and the "hooks" object when vg's removal left them
// empty, and Cursor's "version" when nothing else is left.
void prune(Json& root, Harness h) {
  Json* hooks = const_cast<Json*>(root.get("hooks"));
  if (!hooks || !hooks->is_object()) return;
  const Json* list = hooks->get(event_name(h));
  if (list && list->is_array() && list->items.empty()) {
    std::erase_if(hooks->members, [&](const auto& m) { return m.first == event_name(h); });
  }
  if (hooks->members.empty()) std::erase_if(root.members, [](const auto& m) { return m.first == "hooks"; });
  if (h == Harness::cursor && root.members.size() == 1 && root.members[0].first == "version") root.members.clear();
}

Json vg_entry(Harness h, const std::string& command) {
  Json entry = json_object();
  if (grouped(h)) member(entry, "type", json_string("command"));
  member(entry, "command", json_string(command));
  if (h == Harness::gemini) {
    member(entry, "name", json_string("vg"));
    member(entry, "description", json_string("vg: score, route and sandbox shell commands"));
  }
  return entry;
}

Edit finish(const Json& root, const std::string& existing) {
  Edit e;
  if (root.members.empty()) {
    e.remove = true;
    e.changed = !existing.empty();
    return e;
  }
  e.text = to_text(root, Layout::pretty);
  e.changed = e.text != existing;
  return e;
}

}  // namespace

const char* to_string(Scope s) { return s == Scope::user ? "user" : "project"; }

std::string settings_path(Harness h, Scope scope, const Places& p) {
  const std::string& base = scope == Scope::user ? p.home : p.project;
  switch (h) {
    case Harness::claude_code: return base + "/.claude/settings.json";
    case Harness::codex:
      if (scope == Scope::user) return (p.codex_home.empty() ? p.home + "/.codex" : p.codex_home) + "/hooks.json";
      return base + "/.codex/hooks.json";
    case Harness::gemini: return base + "/.gemini/settings.json";
    case Harness::cursor: return base + "/.cursor/hooks.json";
  }
  return "";
}

std::string project_root(const std::string& cwd) {
  std::string dir = cwd;
  while (!dir.empty()) {
    if (exists(dir + "/.git")) return dir;
    if (dir == "/") break;
    auto slash = dir.rfind('/');
    dir = slash == 0 ? "/" : dir.substr(0, slash);
  }
  return cwd;
}

std::string hook_command(Harness h, const std::string& vg_path) {
  return shell_quote(vg_path) + " hook " + to_string(h);
}

bool is_vg_hook(Harness h, const std::string& command) {
  std::string tail = std::string(" hook ") + to_string(h);
  if (command.size() <= tail.size() || command.compare(command.size() - tail.size(), tail.size(), tail) != 0) {
    return false;
  }
  std::string program = command.substr(0, command.size() - tail.size());
  if (program.size() >= 2 && program.front() == '\'' && program.back() == '\'') {
    program = program.substr(1, program.size() - 2);
  }
  auto slash = program.rfind('/');
  std::string base = slash == std::string::npos ? program : program.substr(slash + 1);
  return base == "vg" || base == "vg-full";
}

Result<Edit> connect_settings(Harness h, const std::string& existing, const std::string& command) {
  auto root = parse_settings(existing);
  if (!root) return root.error();
  auto list = event_list(*root, h, true);
  if (!list) return list.error();
  // Already there, exactly: nothing to do.
  auto present = vg_hooks_in(h, existing.empty() ? "{}" : existing);
  if (present.size() == 1 && present[0] == command) {
    Edit e;
    e.text = existing;
    return e;
  }
  remove_vg(h, **list);
  if (h == Harness::cursor && !root->get("version")) {
    Json version;
    version.type = Json::Type::number;
    version.number = 1;
    root->members.insert(root->members.begin(), {"version", version});
  }
  if (grouped(h)) {
    Json group = json_object();
    member(group, "matcher", json_string(shell_tool(h)));
    Json entries;
    entries.type = Json::Type::array;
    entries.items.push_back(vg_entry(h, command));
    member(group, "hooks", entries);
    (*list)->items.push_back(std::move(group));
  } else {
    (*list)->items.push_back(vg_entry(h, command));
  }
  return finish(*root, existing);
}

Result<Edit> disconnect_settings(Harness h, const std::string& existing) {
  auto root = parse_settings(existing);
  if (!root) return root.error();
  auto list = event_list(*root, h, false);
  if (!list) return list.error();
  if (!*list || !remove_vg(h, **list)) {
    Edit e;
    e.text = existing;
    return e;
  }
  prune(*root, h);
  return finish(*root, existing);
}

std::string as_written_before(const std::string& text, const std::vector<std::string>& earlier) {
  auto now = router::parse_json(text);
  if (!now) return text;
  for (const auto& before : earlier) {
    auto then = router::parse_json(before);
    if (then && same_value(*then, *now)) return before;
  }
  return text;
}

std::vector<std::string> vg_hooks_in(Harness h, const std::string& text) {
  std::vector<std::string> out;
  auto root = parse_settings(text);
  if (!root) return out;
  auto list = event_list(*root, h, false);
  if (!list || !*list) return out;
  for (const auto& item : (*list)->items) {
    if (!grouped(h)) {
      if (is_vg_entry(h, item)) out.push_back(item.get_string("command"));
      continue;
    }
    const Json* inner = item.is_object() ? item.get("hooks") : nullptr;
    if (!inner || !inner->is_array()) continue;
    for (const auto& entry : inner->items) {
      if (is_vg_entry(h, entry)) out.push_back(entry.get_string("command"));
    }
  }
  return out;
}

}  // namespace vg::agents
