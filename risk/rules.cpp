// Loading and matching rule packs (see rules.hpp). yaml-cpp's exceptions
// and RE2's status are turned into vg::Error here, naming file:line:column.
#include "risk/rules.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace vg::risk {
namespace {

std::optional<Target> parse_target(std::string_view s) {
  if (s == "command") return Target::command;
  if (s == "redirect") return Target::redirect;
  if (s == "pipeline") return Target::pipeline;
  if (s == "code") return Target::code;
  if (s == "structure") return Target::structure;
  if (s == "script") return Target::script;
  return std::nullopt;
}

std::string at(const std::string& file, const YAML::Node& n) {
  auto m = n.Mark();
  return file + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

std::vector<std::string> strings(const YAML::Node& n) {
  std::vector<std::string> out;
  if (!n) return out;
  if (n.IsScalar()) {
    out.push_back(n.as<std::string>());
    return out;
  }
  for (const auto& e : n) out.push_back(e.as<std::string>());
  return out;
}

int slot(Target t) { return t == Target::code ? 1 : 0; }

}  // namespace

std::string Rule::where() const {
  fill();
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": rule " + id;
}

bool Rule::compile() const {
  if (compiled) return broken.empty();
  fill();
  compiled = true;
  if (!broken.empty()) return false;
  RE2::Options opts;
  opts.set_log_errors(false);
  auto build = [&](const std::vector<std::string>& src, std::vector<std::unique_ptr<RE2>>& out) {
    for (const auto& p : src) {
      auto re = std::make_unique<RE2>(p, opts);
      if (!re->ok()) {
        broken = "invalid pattern '" + p + "': " + re->error();
        return false;
      }
      out.push_back(std::move(re));
    }
    return true;
  };
  return build(all, all_re) && build(none, none_re);
}

bool Rule::may_match(std::string_view text) const {
  fill();
  if (needs_any.empty()) return true;
  // The literals are lowercase (RE2 folds case in its prefilter). A text with
  // a non-ASCII byte might hold a character whose lowercase is ASCII (the
  // Kelvin sign), so only pure ASCII is judged here.
  std::string lowered(text);
  for (char& c : lowered) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) return true;
    if (u >= 'A' && u <= 'Z') c = static_cast<char>(u - 'A' + 'a');
  }
  for (const auto& literal : needs_any)
    if (lowered.find(literal) != std::string::npos) return true;
  return false;
}

bool Rule::matches(std::string_view text) const {
  if (!compile()) return false;
  for (const auto& re : all_re)
    if (!RE2::PartialMatch(text, *re)) return false;
  for (const auto& re : none_re)
    if (RE2::PartialMatch(text, *re)) return false;
  return true;
}

Result<void> RuleSet::load(const std::string& name, std::string_view text) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return make_error(name + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                      ": invalid YAML in a rule file: " + e.msg);
  }
  YAML::Node list = root["rules"];
  if (!root.IsMap() || !list || !list.IsSequence())
    return make_error(name + ":1:1: a rule file needs a top-level `rules:` list");
  static const char* const k_keys[] = {"id", "level", "description", "target", "commands", "all", "pattern",
                                       "none", "examples"};
  try {
    for (const auto& node : list) {
      auto r = std::make_unique<Rule>();
      r->file = name;
      r->line = node.Mark().line + 1;
      r->column = node.Mark().column + 1;
      if (!node.IsMap()) return make_error(at(name, node) + ": each rule must be a mapping");
      for (const auto& kv : node) {
        std::string key = kv.first.as<std::string>();
        if (std::find(std::begin(k_keys), std::end(k_keys), key) == std::end(k_keys))
          return make_error(at(name, kv.first) + ": unknown rule key '" + key +
                            "' (expected id, level, description, target, commands, pattern, all, none, examples)");
      }
      if (!node["id"]) return make_error(at(name, node) + ": a rule needs an `id`");
      r->id = node["id"].as<std::string>();
      auto level = node["level"] ? config::parse_level(node["level"].as<std::string>()) : std::nullopt;
      if (!level)
        return make_error(at(name, node["level"] ? node["level"] : node) + ": rule " + r->id +
                          ": `level` must be low, medium, high or critical");
      r->level = *level;
      r->description = node["description"] ? node["description"].as<std::string>() : std::string();
      if (r->description.empty())
        return make_error(at(name, node) + ": rule " + r->id + ": a rule needs a `description`");
      auto target = parse_target(node["target"] ? node["target"].as<std::string>() : "command");
      if (!target)
        return make_error(at(name, node["target"]) + ": rule " + r->id +
                          ": `target` must be command, redirect, pipeline, code, structure or script");
      r->target = *target;
      r->commands = strings(node["commands"]);
      r->all = strings(node["all"]);
      for (auto& p : strings(node["pattern"])) r->all.push_back(p);
      r->none = strings(node["none"]);
      if (r->all.empty())
        return make_error(at(name, node) + ": rule " + r->id + ": a rule needs a `pattern` or an `all` list");
      if (const auto ex = node["examples"]) {
        r->match_examples = strings(ex["match"]);
        r->not_match_examples = strings(ex["not_match"]);
      }
      if (auto added = add(std::move(r)); !added) return added;
    }
  } catch (const YAML::Exception& e) {
    return make_error(name + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                      ": malformed rule: " + e.msg);
  }
  return {};
}

Result<void> RuleSet::add(std::unique_ptr<Rule> r) {
  if (auto it = m_ids.find(r->id); it != m_ids.end())
    return make_error(r->where() + ": rule " + r->id + " is defined twice (first at " + it->second->where() + ")");
  const Rule* raw = r.get();
  m_ids.emplace(raw->id, raw);
  m_rules.push_back(std::move(r));
  index(raw);
  return {};
}

void RuleSet::index(const Rule* r) {
  int t = static_cast<int>(r->target);
  if (r->target == Target::command || r->target == Target::code) {
    int s = slot(r->target);
    if (r->commands.empty()) {
      m_any_name[s].push_back(r);
    }
    for (const auto& c : r->commands) {
      if (!c.empty() && c.back() == '*')
        m_prefix[s].emplace_back(c.substr(0, c.size() - 1), r);
      else
        m_by_name[s][std::string_view(c)].push_back(r);
    }
  } else {
    m_by_target[t].push_back(r);
  }
}

std::vector<std::string> RuleSet::disable(const std::vector<std::string>& ids) {
  std::vector<std::string> unknown;
  for (const auto& id : ids) {
    auto it = m_ids.find(id);
    if (it == m_ids.end()) {
      unknown.push_back(id);
      continue;
    }
    if (it->second->level == config::Level::critical) continue;
    const Rule* r = it->second;
    auto drop = [r](std::vector<const Rule*>& v) { v.erase(std::remove(v.begin(), v.end(), r), v.end()); };
    for (int s = 0; s < 2; ++s) {
      for (auto& [k, v] : m_by_name[s]) drop(v);
      drop(m_any_name[s]);
      m_prefix[s].erase(std::remove_if(m_prefix[s].begin(), m_prefix[s].end(), [r](auto& p) { return p.second == r; }),
                        m_prefix[s].end());
    }
    for (auto& v : m_by_target) drop(v);
  }
  return unknown;
}

std::vector<const Rule*> RuleSet::for_name(Target target, std::string_view base) const {
  int s = slot(target);
  std::vector<const Rule*> out;
  auto it = m_by_name[s].find(base);
  if (it != m_by_name[s].end()) out = it->second;
  for (const auto& [prefix, r] : m_prefix[s])
    if (base.substr(0, prefix.size()) == prefix) out.push_back(r);
  for (const Rule* r : m_any_name[s]) out.push_back(r);
  return out;
}

const std::vector<const Rule*>& RuleSet::for_target(Target target) const {
  return m_by_target[static_cast<int>(target)];
}

bool RuleSet::knows(std::string_view base) const {
  if (m_by_name[0].count(base)) return true;
  for (const auto& [prefix, r] : m_prefix[0])
    if (base.substr(0, prefix.size()) == prefix) return true;
  return false;
}

}  // namespace vg::risk
