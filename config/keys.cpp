#include "config/keys.hpp"

#include <array>
#include <cstdio>

#include "config/json.hpp"
#include "config/values.hpp"

namespace vg::config {
namespace {

ShownValue text(std::string s) { return {ShownValue::Kind::text, std::move(s), {}}; }
ShownValue number(std::string s) { return {ShownValue::Kind::number, std::move(s), {}}; }
ShownValue boolean(bool b) { return {ShownValue::Kind::boolean, b ? "true" : "false", {}}; }
ShownValue list(std::vector<std::string> items) { return {ShownValue::Kind::list, {}, std::move(items)}; }
ShownValue size(std::uint64_t bytes) { return text(format_size(bytes)); }
ShownValue duration(std::uint64_t seconds) { return text(format_duration(seconds)); }

std::string cores(double cpu) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", cpu);
  return buf;
}

std::vector<std::string> volume_items(const std::vector<Volume>& volumes) {
  std::vector<std::string> out;
  for (const auto& v : volumes) out.push_back(v.source + ":" + v.target + ":" + to_string(v.mode));
  return out;
}

std::vector<KeyInfo> make_all() {
  return {
    {"sandbox.enabled", [](const Config& c) { return boolean(c.sandbox.enabled); }},
    {"sandbox.mode", [](const Config& c) { return text(to_string(c.sandbox.mode)); }},
    {"sandbox.enable_cache", [](const Config& c) { return boolean(c.sandbox.enable_cache); }},
    {"sandbox.cache_ttl", [](const Config& c) { return duration(c.sandbox.cache_ttl); }},
    {"sandbox.cache_size", [](const Config& c) { return size(c.sandbox.cache_size); }},
    {"sandbox.cache_strategy", [](const Config& c) { return text(to_string(c.sandbox.cache_strategy)); }},
    {"sandbox.cache_salt", [](const Config& c) { return text(c.sandbox.cache_salt); }},
    {"sandbox.risk_threshold.low", [](const Config& c) { return text(to_string(c.sandbox.risk_threshold.low)); }},
    {"sandbox.risk_threshold.medium", [](const Config& c) { return text(to_string(c.sandbox.risk_threshold.medium)); }},
    {"sandbox.risk_threshold.high", [](const Config& c) { return text(to_string(c.sandbox.risk_threshold.high)); }},
    {"sandbox.risk_threshold.critical",
     [](const Config& c) { return text(to_string(c.sandbox.risk_threshold.critical)); }},
    {"sandbox.block_critical", [](const Config& c) { return boolean(c.sandbox.block_critical); }},
    {"sandbox.not_understood", [](const Config& c) { return text(to_string(c.sandbox.not_understood)); }},
    {"sandbox.ask_fallback", [](const Config& c) { return text(to_string(c.sandbox.ask_fallback)); }},
    {"sandbox.allow_host_override", [](const Config& c) { return boolean(c.sandbox.allow_host_override); }},
    {"sandbox.fallback", [](const Config& c) { return text(to_string(c.sandbox.fallback)); }},
    {"sandbox.runtime", [](const Config& c) { return text(c.sandbox.runtime); }},
    {"sandbox.resources.cpu", [](const Config& c) { return number(cores(c.sandbox.resources.cpu)); }},
    {"sandbox.resources.memory", [](const Config& c) { return size(c.sandbox.resources.memory); }},
    {"sandbox.resources.disk", [](const Config& c) { return size(c.sandbox.resources.disk); }},
    {"sandbox.resources.pids", [](const Config& c) { return number(std::to_string(c.sandbox.resources.pids)); }},
    {"sandbox.resources.timeout", [](const Config& c) { return duration(c.sandbox.resources.timeout); }},
    {"sandbox.resources.require_limits", [](const Config& c) { return boolean(c.sandbox.resources.require_limits); }},
    {"sandbox.isolation.filesystem", [](const Config& c) { return text(c.sandbox.isolation.filesystem); }},
    {"sandbox.isolation.network", [](const Config& c) { return boolean(c.sandbox.isolation.network); }},
    {"sandbox.isolation.user", [](const Config& c) { return text(c.sandbox.isolation.user); }},
    {"sandbox.isolation.capabilities", [](const Config& c) { return list(c.sandbox.isolation.capabilities); }},
    {"sandbox.volumes", [](const Config& c) { return list(volume_items(c.sandbox.volumes)); }},
    {"sandbox.exclude", [](const Config& c) { return list(c.sandbox.exclude); }},
    {"sandbox.allow_protected", [](const Config& c) { return list(c.sandbox.allow_protected); }},
    {"sandbox.env.pass", [](const Config& c) { return list(c.sandbox.env.pass); }},
    {"sandbox.env.drop", [](const Config& c) { return list(c.sandbox.env.drop); }},
    {"sandbox.network.mode", [](const Config& c) { return text(to_string(c.sandbox.network.mode)); }},
    {"sandbox.network.allowed_hosts", [](const Config& c) { return list(c.sandbox.network.allowed_hosts); }},
    {"sandbox.network.blocked_hosts", [](const Config& c) { return list(c.sandbox.network.blocked_hosts); }},
    {"mock.exit_code", [](const Config& c) { return number(std::to_string(c.mock.exit_code)); }},
    {"mock.stdout_text", [](const Config& c) { return text(c.mock.stdout_text); }},
    {"mock.stderr_text", [](const Config& c) { return text(c.mock.stderr_text); }},
    {"mock.fail_start", [](const Config& c) { return boolean(c.mock.fail_start); }},
    {"mock.record_path", [](const Config& c) { return text(c.mock.record_path); }},
    {"rules.paths", [](const Config& c) { return list(c.rules.paths); }},
    {"rules.disable", [](const Config& c) { return list(c.rules.disable); }},
    {"audit.path", [](const Config& c) { return text(c.audit.path); }},
    {"audit.max_size", [](const Config& c) { return size(c.audit.max_size); }},
    {"audit.keep", [](const Config& c) { return number(std::to_string(c.audit.keep)); }},
    {"audit.required", [](const Config& c) { return boolean(c.audit.required); }},
    {"hooks.on_missing", [](const Config& c) { return text(c.hooks.on_missing); }},
    {"microvm.accel", [](const Config& c) { return text(c.microvm.accel); }},
    {"microvm.memory", [](const Config& c) { return size(c.microvm.memory); }},
    {"microvm.pool_size", [](const Config& c) { return number(std::to_string(c.microvm.pool_size)); }},
  };
}

}  // namespace

std::span<const KeyInfo> all_keys() {
  static const std::vector<KeyInfo> k_all = make_all();
  return k_all;
}

const KeyInfo* find_key(std::string_view path) {
  for (const auto& k : all_keys()) {
    if (path == k.path) return &k;
  }
  return nullptr;
}

std::string to_text(const ShownValue& v) {
  if (v.kind != ShownValue::Kind::list) return v.text.empty() && v.kind == ShownValue::Kind::text ? "\"\"" : v.text;
  std::string s = "[";
  for (std::size_t i = 0; i < v.items.size(); ++i) s += (i ? ", " : "") + v.items[i];
  return s + "]";
}

std::string json_quote(std::string_view s) { return json_escape(s); }

std::string to_json(const ShownValue& v) {
  switch (v.kind) {
    case ShownValue::Kind::text: return json_quote(v.text);
    case ShownValue::Kind::number:
    case ShownValue::Kind::boolean: return v.text;
    case ShownValue::Kind::list: {
      std::string s = "[";
      for (std::size_t i = 0; i < v.items.size(); ++i) s += (i ? "," : "") + json_quote(v.items[i]);
      return s + "]";
    }
  }
  return "null";
}

}  // namespace vg::config
