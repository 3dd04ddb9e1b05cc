// Lazy rule packs (see packs.hpp).
#include "risk/packs.hpp"

#include <algorithm>

#include "risk/words.hpp"

namespace vg::risk {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '"' || s.front() == '\'')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '"' || s.back() == '\'' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool Packs::Pack::matches(std::string_view base) const {
  if (names.count(base)) return true;
  for (const auto& p : prefixes)
    if (base.substr(0, p.size()) == p) return true;
  return false;
}

void Packs::add_lazy(std::string name, std::string_view text) {
  Pack p;
  p.name = std::move(name);
  p.text = text;
  // Per rule: its target and whether it names commands.
  bool in_rule = false, has_commands = false;
  std::string target = "command";
  auto finish = [&] {
    if (!in_rule) return;
    if (target == "command" || target == "code") {
      if (!has_commands) p.always = true;
      if (target == "code") p.targets[static_cast<int>(Target::code)] = true;
    } else if (target == "redirect") {
      p.targets[static_cast<int>(Target::redirect)] = true;
    } else if (target == "pipeline") {
      p.targets[static_cast<int>(Target::pipeline)] = true;
    } else if (target == "structure") {
      p.targets[static_cast<int>(Target::structure)] = true;
    } else if (target == "script") {
      p.targets[static_cast<int>(Target::script)] = true;
    } else {
      p.always = true;
    }
  };
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    std::string_view t = line;
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    if (t.rfind("- id:", 0) == 0) {
      finish();
      in_rule = true;
      has_commands = false;
      target = "command";
    } else if (t.rfind("target:", 0) == 0) {
      target = std::string(trim(t.substr(7)));
    } else if (t.rfind("commands:", 0) == 0) {
      std::string_view list = trim(t.substr(9));
      if (list.size() < 2 || list.front() != '[' || list.back() != ']') {
        p.always = true;  // a block list: parse this file whenever rules are needed
        continue;
      }
      has_commands = true;
      list = list.substr(1, list.size() - 2);
      std::size_t i = 0;
      while (i <= list.size()) {
        std::size_t comma = list.find(',', i);
        if (comma == std::string_view::npos) comma = list.size();
        std::string_view cmd = trim(list.substr(i, comma - i));
        if (!cmd.empty() && cmd.back() == '*')
          p.prefixes.emplace_back(cmd.substr(0, cmd.size() - 1));
        else if (!cmd.empty())
          p.names.emplace(cmd);
        i = comma + 1;
      }
    }
  }
  finish();
  m_packs.push_back(std::move(p));
}

bool Packs::knows(std::string_view base) const {
  return std::any_of(m_packs.begin(), m_packs.end(), [&](const Pack& p) { return p.matches(base); });
}

Result<void> Packs::load(Pack& p, RuleSet& rules) {
  if (p.loaded) return {};
  p.loaded = true;
  return rules.load(p.name, p.text);
}

Result<void> Packs::ensure(const Model& model, RuleSet& rules) {
  for (auto& p : m_packs) {
    if (p.loaded) continue;
    bool need = p.always;
    need = need || (!model.redirects.empty() && p.targets[static_cast<int>(Target::redirect)]);
    need = need || (!model.pipelines.empty() && p.targets[static_cast<int>(Target::pipeline)]);
    need = need || (!model.structures.empty() && p.targets[static_cast<int>(Target::structure)]);
    need = need || (!model.scripts.empty() && p.targets[static_cast<int>(Target::script)]);
    for (std::size_t i = 0; !need && i < model.commands.size(); ++i)
      need = !model.commands[i].argv.empty() && p.matches(base_name(model.commands[i].argv[0]));
    for (std::size_t i = 0; !need && i < model.code.size(); ++i) need = p.matches(model.code[i].interpreter);
    if (need) {
      if (auto r = load(p, rules); !r) return r;
    }
  }
  return {};
}

Result<void> Packs::ensure_all(RuleSet& rules) {
  for (auto& p : m_packs)
    if (auto r = load(p, rules); !r) return r;
  return {};
}

}  // namespace vg::risk
