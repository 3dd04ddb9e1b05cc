// Catalogue entries: parsing one line's tokens, and lookup in the compiled
// table (see catalogue.hpp). The build parses every line once
// (tools/catalogc.cpp), so a line that reaches run time always parses.
#include "risk/catalogue.hpp"

#include <algorithm>
#include <unordered_map>

namespace vg::risk {
namespace {

std::optional<Effect> effect_named(std::string_view s) {
  static const std::pair<std::string_view, Effect> k_names[] = {
      {"data", Effect::data},     {"read", Effect::read},         {"write", Effect::write},
      {"trunc", Effect::truncate}, {"delete", Effect::remove},    {"delete-in", Effect::remove_in},
      {"mode", Effect::mode},     {"exec", Effect::exec},         {"shell", Effect::shell},
      {"escape", Effect::escape}};
  for (const auto& [n, e] : k_names)
    if (n == s) return e;
  return std::nullopt;
}

std::optional<SystemChange> system_named(std::string_view s) {
  static const std::pair<std::string_view, SystemChange> k_names[] = {
      {"pkg", SystemChange::packages},  {"svc", SystemChange::services}, {"user", SystemChange::users},
      {"mount", SystemChange::mounts},  {"kernel", SystemChange::kernel}, {"boot", SystemChange::boot},
      {"sched", SystemChange::schedule}, {"firewall", SystemChange::firewall},
      {"netcfg", SystemChange::network}, {"deploy", SystemChange::deploy}};
  for (const auto& [n, e] : k_names)
    if (n == s) return e;
  return std::nullopt;
}

// Split `s` on `sep`, skipping empty pieces.
std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Result<void> add_options(ProgramSpec& spec, std::string_view names, OptionSpec proto) {
  for (std::string_view n : split(names, ',')) {
    if (!proto.key_value && proto.kind != OptionSpec::Kind::noop && n[0] != '-')
      return make_error("option `" + std::string(n) + "` must start with -");
    proto.name = n;
    spec.options.push_back(proto);
  }
  return {};
}

Result<void> apply_token(ProgramSpec& spec, std::string_view tok) {
  auto eq = tok.find('=');
  std::string_view head = eq == std::string_view::npos ? tok : tok.substr(0, eq);
  std::string_view value = eq == std::string_view::npos ? std::string_view() : tok.substr(eq + 1);
  std::string_view qual;
  if (auto colon = head.find(':'); colon != std::string_view::npos) {
    qual = head.substr(colon + 1);
    head = head.substr(0, colon);
  }
  auto effect = [&](std::string_view s) -> Result<Effect> {
    auto e = effect_named(s);
    if (!e)
      return make_error("unknown effect `" + std::string(s) +
                        "` (data, read, write, trunc, delete, delete-in, mode, exec, shell, escape)");
    return *e;
  };
  if (head == "sub" && value.empty()) {
    spec.subcommands = true;
  } else if (head == "firstpos" && value.empty()) {
    spec.operands_first = true;
  } else if (head == "bundled" && value.empty()) {
    spec.bundled = true;
  } else if (head == "pos") {
    for (std::string_view p : split(value, ',')) {
      auto e = effect(p);
      if (!e) return e.error();
      spec.operands.push_back(*e);
    }
  } else if (head == "last") {
    auto e = effect(value);
    if (!e) return e.error();
    spec.last = *e;
  } else if (head == "opt" || head == "kv") {
    OptionSpec o;
    o.key_value = head == "kv";
    if (!qual.empty()) {
      auto e = effect(qual);
      if (!e) return e.error();
      o.effect = *e;
    }
    return add_options(spec, value, o);
  } else if (head == "pat") {
    OptionSpec o;
    o.pattern = true;
    if (!qual.empty()) {
      auto e = effect(qual);
      if (!e) return e.error();
      o.effect = *e;
    }
    return add_options(spec, value, o);
  } else if (head == "aslast") {
    auto e = effect(qual);
    if (!e) return e.error();
    return add_options(spec, value, OptionSpec{{}, OptionSpec::Kind::as_last, *e, false, false});
  } else if (head == "as") {
    auto e = effect(qual);
    if (!e) return e.error();
    return add_options(spec, value, OptionSpec{{}, OptionSpec::Kind::as, *e, false, false});
  } else if (head == "noop") {
    return add_options(spec, value, OptionSpec{{}, OptionSpec::Kind::noop, Effect::data, false, false});
  } else if (head == "rec") {
    return add_options(spec, value, OptionSpec{{}, OptionSpec::Kind::recursive, Effect::data, false, false});
  } else if (head == "sys") {
    auto s = system_named(value);
    if (!s) return make_error("unknown system change `" + std::string(value) + "`");
    spec.system = *s;
  } else if (head == "net") {
    if (value == "fetch") spec.network = Network::fetch;
    else if (value == "send") spec.network = Network::send;
    else return make_error("net= takes fetch or send");
  } else if (head == "min") {
    auto l = config::parse_level(value);
    if (!l) return make_error("min= takes low, medium, high or critical");
    spec.floor = *l;
  } else {
    return make_error("unknown token `" + std::string(tok) + "`");
  }
  if (eq == std::string_view::npos && head != "sub" && head != "firstpos" && head != "bundled")
    return make_error("token `" + std::string(tok) + "` needs a value");
  return {};
}

}  // namespace

Result<ProgramSpec> parse_program_spec(std::string_view key, std::string_view tokens) {
  ProgramSpec spec;
  spec.key = key;
  std::size_t i = 0;
  while (i < tokens.size()) {
    while (i < tokens.size() && (tokens[i] == ' ' || tokens[i] == '\t')) ++i;
    if (i >= tokens.size() || tokens[i] == '#') break;
    std::size_t end = tokens.find_first_of(" \t", i);
    if (end == std::string_view::npos) end = tokens.size();
    if (auto r = apply_token(spec, tokens.substr(i, end - i)); !r) return r.error();
    i = end;
  }
  return spec;
}

const ProgramSpec* find_program(std::string_view key) {
  std::size_t count = 0;
  const CatalogueLine* lines = builtin_catalogue(count);
  const CatalogueLine* end = lines + count;
  const CatalogueLine* it =
      std::lower_bound(lines, end, key, [](const CatalogueLine& l, std::string_view k) { return l.key < k; });
  if (it == end || it->key != key) return nullptr;
  // Keyed by the line's own (static) key; a ProgramSpec never moves once in the map.
  thread_local std::unordered_map<const CatalogueLine*, ProgramSpec> parsed;
  if (auto p = parsed.find(it); p != parsed.end()) return &p->second;
  auto spec = parse_program_spec(it->key, it->tokens);
  if (!spec) return nullptr;  // cannot happen: the build parsed every line
  return &parsed.emplace(it, std::move(spec.value())).first->second;
}

const char* to_string(Effect e) {
  switch (e) {
    case Effect::data: return "data";
    case Effect::read: return "reads";
    case Effect::write: return "writes";
    case Effect::truncate: return "truncates";
    case Effect::remove: return "deletes";
    case Effect::remove_in: return "deletes within";
    case Effect::mode: return "changes mode/owner of";
    case Effect::exec: return "executes";
    case Effect::shell:
    case Effect::escape: return "runs the command line";
  }
  return "?";
}

const char* to_string(SystemChange s) {
  switch (s) {
    case SystemChange::none: return "none";
    case SystemChange::packages: return "packages";
    case SystemChange::services: return "services";
    case SystemChange::users: return "users";
    case SystemChange::mounts: return "mounts";
    case SystemChange::kernel: return "kernel";
    case SystemChange::boot: return "boot";
    case SystemChange::schedule: return "scheduled jobs";
    case SystemChange::firewall: return "firewall";
    case SystemChange::network: return "network configuration";
    case SystemChange::deploy: return "deployments";
  }
  return "?";
}

}  // namespace vg::risk
