// load(): the layers, lowest first — built-in defaults, /etc/vg/config.yaml,
// $XDG_CONFIG_HOME/vg/config.yaml, $VG_CONFIG, the nearest .vg.yaml
// (tighten-only unless trusted), VG_* variables, command-line flags.
#include "config/load.hpp"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include "config/env_map.hpp"
#include "config/env_vars.hpp"
#include "config/keys.hpp"
#include "config/project.hpp"
#include "config/repo_policy.hpp"
#include "config/schema.hpp"
#include "config/suggest.hpp"
#include "config/trust.hpp"
#include "config/yaml_file.hpp"

namespace vg::config {
namespace {

std::string current_dir() {
  char buf[PATH_MAX];
  if (::getcwd(buf, sizeof buf)) return buf;
  return "/";
}

std::string dir_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string real_path(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf)) return buf;
  return path;
}

class Loader {
 public:
  Loader(const LoadOptions& options, LoadTrace* trace) : m_options(options), m_trace(trace) {
    m_env = options.env.empty() && options.use_process_env ? process_env() : options.env;
    std::string here = current_dir();
    m_cwd = options.cwd.empty() ? here : absolute_path(options.cwd, here);
    m_home = home_dir(m_env);
  }

  Result<Config> run() {
    Config config = defaults();
    if (!m_error.empty()) return make_error(m_error);
    if (!file_layer(config, m_options.system_file, "system")) return make_error(m_error);
    if (!file_layer(config, dirs_for(m_env).config + "/config.yaml", "user")) return make_error(m_error);
    std::string extra = env_get(m_env, "VG_CONFIG");
    if (!extra.empty() && !file_layer(config, absolute_path(extra, m_cwd), "VG_CONFIG", true)) return make_error(m_error);
    Project project = find_project(m_cwd);
    config.project_root = project.root;
    if (!project.config_file.empty() && !repo_layer(config, project.config_file)) return make_error(m_error);
    if (!env_layer(config)) return make_error(m_error);
    if (!flag_layer(config)) return make_error(m_error);
    return config;
  }

  // Only the built-in defaults and `path`, for `vg config check FILE`.
  Result<Config> check(const std::string& path) {
    Config config = defaults();
    if (!m_error.empty()) return make_error(m_error);
    std::string full = absolute_path(path, m_cwd);
    if (!file_layer(config, full, "checked", true)) return make_error(m_error);
    return config;
  }

 private:
  // The built-in layer. config/defaults.yaml (embedded) documents it and a
  // unit test proves it equal to the defaults of config/config.hpp, so the
  // struct's values stand for it here: parsing the file with yaml-cpp would
  // cost ~0.2 ms on every command.
  Config defaults() {
    Config config;
    for (const auto& key : all_keys()) config.origins[key.path] = Origin{"default", 0, 0};
    return config;
  }

  void consider(const std::string& path, const char* layer, ConsideredFile::State state) {
    if (m_trace) m_trace->files.push_back({path, layer, state});
  }

  // Read and parse `path`; nullopt with m_error empty when it is missing.
  std::optional<YAML::Node> read(const std::string& path, const char* layer, bool required, std::string* content) {
    auto text = read_config_file(path);
    if (!text) {
      m_error = text.error().message;
      return std::nullopt;
    }
    if (!*text) {
      consider(path, layer, ConsideredFile::State::missing);
      if (required) m_error = std::string(layer) + ": " + path + ": no such config file";
      return std::nullopt;
    }
    auto doc = parse_yaml(**text, path);
    if (!doc) {
      consider(path, layer, ConsideredFile::State::read);
      m_error = doc.error().message;
      return std::nullopt;
    }
    if (content) *content = std::move(**text);
    return std::move(*doc);
  }

  bool file_layer(Config& config, const std::string& path, const char* layer, bool required = false) {
    auto doc = read(path, layer, required, nullptr);
    if (!doc) return m_error.empty();
    consider(path, layer, ConsideredFile::State::read);
    LayerSource source{LayerSource::Kind::file, path, "", path, dir_of(path), m_home};
    if (auto r = apply_document(*doc, source, config); !r) {
      m_error = r.error().message;
      return false;
    }
    config.files_read.push_back(path);
    return true;
  }

  bool repo_layer(Config& config, const std::string& path) {
    std::string content;
    auto doc = read(path, "repository", false, &content);
    if (!doc) return m_error.empty();
    Config candidate = config;
    LayerSource source{LayerSource::Kind::file, path, "", path, dir_of(path), m_home};
    if (auto r = apply_document(*doc, source, candidate); !r) {
      m_error = r.error().message;
      return false;
    }
    Config tightened = candidate;
    std::vector<std::string> notes = keep_tighten_only(config, tightened, path);
    // The trust store is read only when it matters (or for `vg config path`).
    bool trusted = false;
    if (!notes.empty() || m_trace) trusted = is_trusted(trust_store_file(m_env), real_path(path), content);
    if (notes.empty() || trusted) {
      config = std::move(candidate);
    } else {
      config = std::move(tightened);
      config.notes.insert(config.notes.end(), notes.begin(), notes.end());
    }
    consider(path, "repository", trusted ? ConsideredFile::State::trusted : ConsideredFile::State::untrusted);
    config.files_read.push_back(path);
    return true;
  }

  bool env_layer(Config& config) {
    for (const auto& var : env_vars()) {
      if (var.key[0] == '\0') continue;
      auto it = m_env.find(var.name);
      if (it == m_env.end()) continue;
      LayerSource source{LayerSource::Kind::env, std::string("env ") + var.name, var.name, "", m_cwd, m_home};
      if (auto r = apply_key(var.key, it->second, source, config); !r) {
        m_error = r.error().message;
        return false;
      }
    }
    std::vector<std::string> known;
    for (const auto& var : env_vars()) known.emplace_back(var.name);
    for (const auto& [name, value] : m_env) {
      if (name.rfind("VG_", 0) != 0 || is_non_config_env(name)) continue;
      bool is_known = false;
      for (const auto& k : known) is_known = is_known || k == name;
      if (is_known) continue;
      std::string hint = nearest(name, known);
      config.notes.push_back("ignoring environment variable " + name + ": not a vg setting" +
                             (hint.empty() ? "" : "; did you mean " + hint + "?"));
    }
    return true;
  }

  bool flag_layer(Config& config) {
    for (const auto& [key, value] : m_options.flags) {
      LayerSource source{LayerSource::Kind::flag, "flag", "flag " + key, "", m_cwd, m_home};
      if (auto r = apply_key(key, value, source, config); !r) {
        m_error = r.error().message;
        return false;
      }
    }
    return true;
  }

  const LoadOptions& m_options;
  LoadTrace* m_trace;
  EnvMap m_env;
  std::string m_cwd;
  std::string m_home;
  std::string m_error;
};

}  // namespace

Result<Config> load(const LoadOptions& options) { return Loader(options, nullptr).run(); }

Result<Config> load(const LoadOptions& options, LoadTrace& trace) { return Loader(options, &trace).run(); }

Result<Config> check_file(const std::string& path, const LoadOptions& options) {
  return Loader(options, nullptr).check(path);
}

}  // namespace vg::config
