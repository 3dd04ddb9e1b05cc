// The schema of vg's config files: the Vectra Guard `sandbox:` block accepted
// unchanged, plus vg's own sections. Reading one typed value (with its
// file:line:column) is config/schema_reader.hpp; yaml-cpp's types and
// exceptions stay in these files and config/yaml_file.cpp.
#include "config/schema.hpp"

#include <yaml-cpp/yaml.h>

#include <array>
#include <cstdlib>
#include <utility>
#include <vector>

#include "config/host_entry.hpp"
#include "config/capabilities.hpp"
#include "config/project.hpp"
#include "config/schema_reader.hpp"
#include "config/schema_tables.hpp"
#include "config/suggest.hpp"
#include "config/values.hpp"

namespace vg::config {
namespace {

using namespace schema;

// The schema's sections, read with the typed readers of NodeReader.
class Applier : public NodeReader {
 public:
  using NodeReader::NodeReader;

  void document(const YAML::Node& root) {
    if (root.IsNull() || !root.IsDefined()) return;  // an empty file sets nothing
    if (!root.IsMap()) fail(root, std::string("the file must be a map of sections (sandbox:, ...), not ") + type_name(root));
    for_each(root, "", [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value) {
      if (key == "sandbox") return sandbox(value, "sandbox");
      if (key == "mock") return mock(value);
      if (key == "rules") return rules(value);
      if (key == "audit") return audit(value);
      if (key == "hooks") return hooks(value);
      if (key == "microvm") return microvm(value);
      if (contains(k_vectra_top_keys, key)) return note_unused(key, key_node);
      unknown_key(key_node, key, "", k_top_keys, &k_vectra_top_keys);
    });
  }

 private:
  // Check each entry with the proxy's own syntax (config/host_entry.hpp),
  // pointing at the entry itself when the file gives its position.
  std::vector<std::string> hosts(const YAML::Node& n, const std::string& path) {
    std::vector<std::string> out = strings(n, path);
    for (std::size_t i = 0; i < out.size(); ++i) {
      auto entry = parse_host_entry(out[i]);
      if (entry) continue;
      const YAML::Node at = n.IsSequence() ? n[i] : n;
      fail(at, "invalid host '" + out[i] + "' in " + path + ": " + entry.error().message + "; " +
                   k_host_entry_forms);
    }
    return out;
  }

  void sandbox(const YAML::Node& node, const std::string& path) {
    Sandbox& s = m_config.sandbox;
    YAML::Node risky;
    bool is_risky = false;
    for_each(node, path, [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& v) {
      const std::string p = path + "." + key;
      if (key == "enabled") s.enabled = boolean(v, p);
      else if (key == "mode") {
        s.mode = choose(v, p, "mode", k_modes, &k_mode_aliases);
        if (v.Scalar() == "risky") {
          risky.reset(v);
          is_risky = true;
        }
      }
      else if (key == "enable_cache") s.enable_cache = boolean(v, p);
      else if (key == "cache_ttl") s.cache_ttl = duration(v, p);
      else if (key == "cache_size") s.cache_size = size(v, p);
      else if (key == "cache_strategy") s.cache_strategy = choose(v, p, "cache strategy", k_strategies);
      else if (key == "cache_salt") s.cache_salt = string_value(v, p);
      else if (key == "risk_threshold") risk_threshold(v, p);
      else if (key == "block_critical") s.block_critical = boolean(v, p);
      else if (key == "not_understood") s.not_understood = choose(v, p, "action", k_not_understood_actions);
      else if (key == "ask_fallback") s.ask_fallback = choose(v, p, "action", k_fallback_actions);
      else if (key == "allow_host_override") s.allow_host_override = boolean(v, p);
      else if (key == "fallback") s.fallback = choose(v, p, "fallback", k_fallbacks);
      else if (key == "runtime") s.runtime = choose_name(v, p, "runtime", k_runtimes, &k_runtime_aliases);
      else if (key == "resources") resources(v, p);
      else if (key == "isolation") isolation(v, p);
      else if (key == "volumes") s.volumes = volumes(v, p + "", false);
      else if (key == "bind_mounts") s.volumes = volumes(v, path + ".volumes", true);
      else if (key == "exclude") s.exclude = strings(v, p);
      else if (key == "allow_protected") s.allow_protected = strings(v, p);
      else if (key == "network") network(v, p);
      else if (key == "env") env_policy(v, p);
      else if (key == "network_mode") s.network.mode = choose(v, path + ".network.mode", "network mode", k_network_modes);
      else if (key == "timeout") s.resources.timeout = duration(v, path + ".resources.timeout");
      else if (contains(k_sandbox_vectra_unused, key)) note_unused(p, key_node);
      else unknown_key(key_node, key, path, k_sandbox_keys, &k_sandbox_vectra_unused);
    });
    // Vectra Guard's `risky` mode sandboxes only high and critical risk.
    const std::string medium = path + ".risk_threshold.medium";
    if (is_risky && m_config.origins[medium].source != m_layer.origin) {
      s.risk_threshold.medium = Action::host;
      record(medium, risky);
    }
  }

  void risk_threshold(const YAML::Node& v, const std::string& p) {
    RiskThreshold& t = m_config.sandbox.risk_threshold;
    if (v.IsScalar()) {
      // Vectra Guard's scalar form: this level and above go to the sandbox.
      Level from = choose(v, p, "risk level", k_levels);
      auto set = [&](Action& a, Level l, const char* name) {
        a = l >= from ? Action::sandbox : Action::host;
        record(p + "." + name, v);
      };
      set(t.low, Level::low, "low");
      set(t.medium, Level::medium, "medium");
      set(t.high, Level::high, "high");
      m_config.origins.erase(p);
      return;
    }
    for_each(v, p, [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value) {
      const std::string q = p + "." + key;
      if (key == "low") t.low = choose(value, q, "action", k_actions);
      else if (key == "medium") t.medium = choose(value, q, "action", k_actions);
      else if (key == "high") t.high = choose(value, q, "action", k_actions);
      else if (key == "critical") t.critical = choose(value, q, "action", k_actions);
      else unknown_key(key_node, key, p, k_threshold_keys);
    });
  }

  void resources(const YAML::Node& node, const std::string& path) {
    Resources& r = m_config.sandbox.resources;
    for_each(node, path, [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& v) {
      const std::string p = path + "." + key;
      if (key == "cpu") r.cpu = cpu(v, p);
      else if (key == "memory") r.memory = size(v, p);
      else if (key == "disk") r.disk = size(v, p);
      else if (key == "pids") r.pids = static_cast<std::uint64_t>(integer(v, p, 0, 4194304));
      else if (key == "timeout") r.timeout = duration(v, p);
      else if (key == "require_limits") r.require_limits = boolean(v, p);
      else unknown_key(key_node, key, path, k_resources_keys);
    });
  }

  double cpu(const YAML::Node& n, const std::string& path) {
    std::string s = text(n, path, "a number of cores");
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || v != v) {
      fail(n, "invalid value '" + s + "' for " + path + "; expected a number of cores such as 0.5 or 2");
    }
    if (v <= 0 || v > 4096) fail(n, path + ": " + s + " is out of range; expected more than 0 and at most 4096 cores");
    record(path, n);
    return v;
  }

  void isolation(const YAML::Node& node, const std::string& path) {
    Isolation& i = m_config.sandbox.isolation;
    for_each(node, path, [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& v) {
      const std::string p = path + "." + key;
      if (key == "filesystem") i.filesystem = choose_name(v, p, "filesystem isolation", k_filesystems);
      else if (key == "network") i.network = boolean(v, p);
      else if (key == "user") i.user = choose_name(v, p, "user", k_users);
      else if (key == "capabilities") i.capabilities = capabilities(v, p);
      else unknown_key(key_node, key, path, k_isolation_keys);
    });
  }

  // Capability names, each known to the kernel and not one that would undo
  // the sandbox; kept as "CAP_NAME".
  std::vector<std::string> capabilities(const YAML::Node& n, const std::string& path) {
    std::vector<std::string> out = strings(n, path);
    for (std::size_t i = 0; i < out.size(); ++i) {
      CapabilityCheck c = check_capability(out[i]);
      if (!c.error.empty()) fail(n.IsSequence() ? n[i] : n, path + ": " + c.error);
      out[i] = c.canonical;
    }
    return out;
  }

  void env_policy(const YAML::Node& node, const std::string& path) {
    EnvPolicy& e = m_config.sandbox.env;
    for_each(node, path, [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& v) {
      const std::string p = path + "." + key;
      if (key == "pass") e.pass = strings(v, p);
      else if (key == "drop") e.drop = strings(v, p);
      else unknown_key(key_node, key, path, k_env_keys);
    });
  }

  void network(const YAML::Node& node, const std::string& path) {
    Network& n = m_config.sandbox.network;
    for_each(node, path, [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& v) {
      const std::string p = path + "." + key;
      if (key == "mode") n.mode = choose(v, p, "network mode", k_network_modes);
      else if (key == "allowed_hosts") n.allowed_hosts = hosts(v, p);
      else if (key == "blocked_hosts") n.blocked_hosts = hosts(v, p);
      else unknown_key(key_node, key, path, k_network_keys);
    });
  }

  // `volumes:` entries {source, target, mode}, "source:target[:mode]", or
  // Vectra Guard `bind_mounts:` entries {host_path, container_path, read_only}.
  std::vector<Volume> volumes(const YAML::Node& node, const std::string& path, bool vectra) {
    std::vector<Volume> out;
    if (node.IsNull()) {
      record(path, node);
      return out;
    }
    if (node.IsScalar() && (m_layer.kind == LayerSource::Kind::env || m_layer.kind == LayerSource::Kind::flag)) {
      for (const auto& item : split_list(node.Scalar())) out.push_back(volume_text(node, path, item));
      record(path, node);
      return out;
    }
    if (!node.IsSequence()) fail(node, "wrong type for " + path + ": expected a list, got " + type_name(node));
    for (const auto& item : node) {
      if (item.IsScalar() && !vectra) {
        out.push_back(volume_text(item, path, item.Scalar()));
        continue;
      }
      if (!item.IsMap()) {
        fail(item, "wrong type for an entry of " + path + ": expected a map (source, target, mode), got " +
                       type_name(item));
      }
      Volume vol;
      bool has_source = false;
      for_each(item, path + "[]", [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& v) {
        const std::string p = path + "." + key;
        if (key == (vectra ? "host_path" : "source")) {
          vol.source = expand(text(v, p, "a path"));
          has_source = true;
        } else if (key == (vectra ? "container_path" : "target")) {
          vol.target = text(v, p, "a path");
        } else if (!vectra && key == "mode") {
          vol.mode = choose(v, p, "volume mode", k_volume_modes);
        } else if (vectra && key == "read_only") {
          vol.mode = boolean(v, p) ? VolumeMode::ro : VolumeMode::rw;
        } else {
          unknown_key(key_node, key, path + " entry", vectra ? k_bind_mount_keys : k_volume_keys);
        }
      });
      if (!has_source || vol.source.empty()) fail(item, "an entry of " + path + " needs a source path");
      if (vol.target.empty()) vol.target = vol.source;
      if (vol.target[0] != '/') fail(item, path + ": target '" + vol.target + "' must be an absolute path");
      out.push_back(vol);
    }
    // Entry fields are part of the list's value, not keys of their own.
    m_config.origins.erase(path + ".mode");
    m_config.origins.erase(path + ".read_only");
    record(path, node);
    return out;
  }

  Volume volume_text(const YAML::Node& at, const std::string& path, const std::string& s) {
    Volume vol;
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
      std::size_t colon = s.find(':', start);
      parts.push_back(s.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
    if (parts.size() > 3 || parts[0].empty()) {
      fail(at, "invalid volume '" + s + "' in " + path + "; expected SOURCE[:TARGET[:ro|rw|overlay]]");
    }
    vol.source = expand(parts[0]);
    vol.target = parts.size() > 1 && !parts[1].empty() ? parts[1] : vol.source;
    if (parts.size() == 3) {
      bool found = false;
      for (const auto& [name, value] : k_volume_modes) {
        if (parts[2] == name) vol.mode = value, found = true;
      }
      if (!found) fail(at, "unknown volume mode '" + parts[2] + "' in " + path + "; expected " + choices(k_volume_modes));
    }
    if (vol.target[0] != '/') fail(at, path + ": target '" + vol.target + "' must be an absolute path");
    return vol;
  }

  void mock(const YAML::Node& node) {
    Mock& m = m_config.mock;
    for_each(node, "mock", [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& v) {
      const std::string p = "mock." + key;
      if (key == "exit_code") m.exit_code = static_cast<int>(integer(v, p, 0, 255));
      else if (key == "stdout_text") m.stdout_text = string_value(v, p);
      else if (key == "stderr_text") m.stderr_text = string_value(v, p);
      else if (key == "fail_start") m.fail_start = boolean(v, p);
      else if (key == "record_path") m.record_path = path_value(v, p);
      else unknown_key(key_node, key, "mock", k_mock_keys);
    });
  }

  void rules(const YAML::Node& node) {
    Rules& r = m_config.rules;
    for_each(node, "rules", [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& v) {
      const std::string p = "rules." + key;
      if (key == "paths") {
        r.paths = strings(v, p);
        for (auto& s : r.paths) s = expand(s);
      } else if (key == "disable") {
        r.disable = strings(v, p);
      } else {
        unknown_key(key_node, key, "rules", k_rules_keys);
      }
    });
  }

  void audit(const YAML::Node& node) {
    Audit& a = m_config.audit;
    for_each(node, "audit", [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& v) {
      const std::string p = "audit." + key;
      if (key == "path") a.path = path_value(v, p);
      else if (key == "max_size") a.max_size = size(v, p);
      else if (key == "keep") a.keep = static_cast<int>(integer(v, p, 0, 1000));
      else if (key == "required") a.required = boolean(v, p);
      else unknown_key(key_node, key, "audit", k_audit_keys);
    });
  }

  void hooks(const YAML::Node& node) {
    for_each(node, "hooks", [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& v) {
      if (key == "on_missing") m_config.hooks.on_missing = choose_name(v, "hooks.on_missing", "value", k_on_missing);
      else unknown_key(key_node, key, "hooks", k_hooks_keys);
    });
  }

  void microvm(const YAML::Node& node) {
    MicroVm& m = m_config.microvm;
    for_each(node, "microvm", [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& v) {
      const std::string p = "microvm." + key;
      if (key == "accel") m.accel = choose_name(v, p, "accelerator", k_accels);
      else if (key == "memory") m.memory = size(v, p);
      else if (key == "pool_size") m.pool_size = static_cast<int>(integer(v, p, 0, 64));
      else unknown_key(key_node, key, "microvm", k_microvm_keys);
    });
  }
};

}  // namespace

Result<void> apply_document(const YAML::Node& root, const LayerSource& layer, Config& config) {
  try {
    Applier(layer, config).document(root);
  } catch (const SchemaError& e) {
    return make_error(e.message);
  } catch (const YAML::Exception& e) {
    std::string where = layer.file.empty() ? layer.label : layer.file;
    if (e.mark.line >= 0) where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    return make_error(where + ": " + e.msg);
  }
  return {};
}

Result<void> apply_key(std::string_view key, std::string_view value, const LayerSource& layer, Config& config) {
  std::vector<std::string> parts = [&] {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
      std::size_t dot = key.find('.', start);
      out.emplace_back(key.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
    return out;
  }();
  for (const auto& part : parts) {
    if (part.empty()) return make_error(layer.label + ": invalid key '" + std::string(key) + "'");
  }
  // Build {a: {b: {c: value}}} and apply it like a file.
  YAML::Node node(std::string{value});
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    YAML::Node map(YAML::NodeType::Map);
    map[*it] = node;
    node.reset(map);
  }
  return apply_document(node, layer, config);
}

}  // namespace vg::config
