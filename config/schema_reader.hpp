#pragma once
// Reading one value of a config layer (a file, the environment, a flag) as a
// type — text, boolean, size, duration, bounded integer, path, name from a
// table, list — recording where it came from, and failing with a one-line
// `file:line:column: message` (did-you-mean for names and keys). Internal to
// config/schema.cpp, which walks the sections.

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/project.hpp"
#include "config/schema.hpp"
#include "config/schema_tables.hpp"
#include "config/suggest.hpp"
#include "config/values.hpp"

namespace vg::config::schema {

struct SchemaError {
  std::string message;
};

inline const char* type_name(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null: return "nothing (null)";
    case YAML::NodeType::Scalar: return "a single value";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Undefined: return "nothing";
  }
  return "?";
}

template <class E>
std::string choices(const NameTable<E>& table) {
  std::string s;
  for (const auto& [name, value] : table) {
    if (!s.empty()) s += "|";
    s += name;
  }
  return s;
}

// Messages are one line for a terminal: control bytes from the file (a NUL,
// a newline inside a quoted value, an escape sequence) are shown as \xNN.
inline std::string printable(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      static constexpr char k_hex[] = "0123456789abcdef";
      out += "\\x";
      out += k_hex[u >> 4];
      out += k_hex[u & 15];
    } else {
      out += c;
    }
  }
  return out;
}

inline std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string item(text.substr(start, comma - start));
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

// The typed readers, for one layer, writing into `config`'s origins and notes.
class NodeReader {
 public:
  NodeReader(const LayerSource& layer, Config& config) : m_layer(layer), m_config(config) {}

 protected:
  static bool contains(const std::vector<std::string>& v, const std::string& s) {
    for (const auto& x : v) {
      if (x == s) return true;
    }
    return false;
  }

  bool positioned(const YAML::Node& at) const {
    return (m_layer.kind == LayerSource::Kind::file || m_layer.kind == LayerSource::Kind::builtin) &&
           at.IsDefined() && at.Mark().line >= 0;
  }

  std::string where(const YAML::Node& at) const {
    if (positioned(at)) {
      const YAML::Mark m = at.Mark();
      return m_layer.file + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
    }
    if (!m_layer.label.empty()) return m_layer.label;
    return m_layer.file;
  }

  [[noreturn]] void fail(const YAML::Node& at, const std::string& message) const {
    throw SchemaError{printable(where(at) + ": " + message)};
  }

  void record(const std::string& path, const YAML::Node& at) {
    Origin origin{m_layer.origin, 0, 0};
    if (m_layer.kind == LayerSource::Kind::file && positioned(at)) {
      origin.line = at.Mark().line + 1;
      origin.column = at.Mark().column + 1;
    }
    m_config.origins[path] = origin;
  }

  void note(const std::string& text) { m_config.notes.push_back(printable(text)); }

  void note_unused(const std::string& path, const YAML::Node& at) {
    note(where(at) + ": " + path + ": accepted, not used by vg (a Vectra Guard setting)");
  }

  void unknown_key(const YAML::Node& at, const std::string& key, const std::string& section,
                   const std::vector<std::string>& known, const std::vector<std::string>* also = nullptr) {
    std::vector<std::string> candidates = known;
    if (also) candidates.insert(candidates.end(), also->begin(), also->end());
    std::string hint = nearest(key, candidates);
    std::string msg = "unknown key '" + key + "'" + (section.empty() ? " at the top level" : " in " + section);
    if (!hint.empty()) msg += "; did you mean '" + hint + "'?";
    else {
      msg += "; expected one of: ";
      for (std::size_t i = 0; i < known.size(); ++i) msg += (i ? ", " : "") + known[i];
    }
    fail(at, msg);
  }

  // Call `fn` for each entry of the map `node` (section `path`); null is an empty map.
  template <class Fn>
  void for_each(const YAML::Node& node, const std::string& path, Fn&& fn) {
    if (node.IsNull()) return;
    if (!node.IsMap()) fail(node, "wrong type for " + (path.empty() ? std::string("the file") : path) + ": expected a map, got " + type_name(node));
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node key_node = it->first;
      const YAML::Node value = it->second;
      if (!key_node.IsScalar()) fail(key_node, "a key must be a plain name, not " + std::string(type_name(key_node)));
      std::string key = key_node.Scalar();
      if (!seen.insert(key).second) fail(key_node, "duplicate key '" + key + "'" + (path.empty() ? "" : " in " + path));
      fn(key, key_node, value);
    }
  }

  std::string text(const YAML::Node& n, const std::string& path, const char* expected) {
    if (!n.IsScalar()) fail(n, "wrong type for " + path + ": expected " + expected + ", got " + type_name(n));
    return n.Scalar();
  }

  bool boolean(const YAML::Node& n, const std::string& path) {
    std::string s = text(n, path, "true or false");
    auto b = parse_bool(s, m_layer.kind == LayerSource::Kind::env || m_layer.kind == LayerSource::Kind::flag);
    if (!b) fail(n, "invalid value '" + s + "' for " + path + "; expected true or false");
    record(path, n);
    return *b;
  }

  std::uint64_t size(const YAML::Node& n, const std::string& path) {
    std::string s = text(n, path, "a size (e.g. 512MiB, 2GB)");
    auto r = parse_size(s);
    if (!r) fail(n, path + ": " + r.error().message);
    record(path, n);
    return *r;
  }

  std::uint64_t duration(const YAML::Node& n, const std::string& path) {
    std::string s = text(n, path, "a duration (e.g. 30s, 15m, 24h, 7d)");
    auto r = parse_duration(s);
    if (!r) fail(n, path + ": " + r.error().message);
    record(path, n);
    return *r;
  }

  long long integer(const YAML::Node& n, const std::string& path, long long lo, long long hi) {
    std::string s = text(n, path, "a whole number");
    long long v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) {
      fail(n, "invalid value '" + s + "' for " + path + "; expected a whole number");
    }
    if (v < lo || v > hi) {
      fail(n, path + ": " + s + " is out of range; expected " + std::to_string(lo) + " to " + std::to_string(hi));
    }
    record(path, n);
    return v;
  }

  std::string string_value(const YAML::Node& n, const std::string& path) {
    std::string s = text(n, path, "a text value");
    record(path, n);
    return s;
  }

  // `~` is the layer's home; a relative path is against the layer's directory.
  std::string expand(const std::string& s) const {
    if (s.empty()) return s;
    if (s == "~" || s.rfind("~/", 0) == 0) return absolute_path(m_layer.home + s.substr(1), "/");
    if (m_layer.base_dir.empty()) return s;
    return absolute_path(s, m_layer.base_dir);
  }

  // Expand `~` and make relative paths absolute against the layer's directory.
  std::string path_value(const YAML::Node& n, const std::string& path) {
    std::string s = string_value(n, path);
    if (s.empty()) return s;
    return expand(s);
  }

  template <class E>
  E choose(const YAML::Node& n, const std::string& path, const char* what, const NameTable<E>& table,
           const Aliases* aliases = nullptr) {
    std::string s = text(n, path, "a name");
    std::string name = s;
    if (aliases) {
      for (const auto& alias : *aliases) {
        if (s == alias.from) {
          note(where(n) + ": " + path + ": '" + s + "' (a Vectra Guard value) is read as '" + alias.to + "'" + alias.why);
          name = alias.to;
        }
      }
    }
    for (const auto& [candidate, value] : table) {
      if (name == candidate) {
        record(path, n);
        return value;
      }
    }
    std::vector<std::string> names;
    for (const auto& [candidate, value] : table) names.emplace_back(candidate);
    std::string hint = nearest(s, names);
    fail(n, "unknown " + std::string(what) + " '" + s + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                "; expected " + choices(table));
  }

  std::string choose_name(const YAML::Node& n, const std::string& path, const char* what, const NameTable<int>& table,
                          const Aliases* aliases = nullptr) {
    int i = choose(n, path, what, table, aliases);
    for (const auto& [name, value] : table) {
      if (value == i) return name;
    }
    return {};
  }

  // A list of strings; from the environment or a flag, "a,b" is a list too.
  std::vector<std::string> strings(const YAML::Node& n, const std::string& path) {
    std::vector<std::string> out;
    if (n.IsNull()) {
      record(path, n);
      return out;
    }
    if (n.IsScalar() && (m_layer.kind == LayerSource::Kind::env || m_layer.kind == LayerSource::Kind::flag)) {
      record(path, n);
      return split_list(n.Scalar());
    }
    if (!n.IsSequence()) fail(n, "wrong type for " + path + ": expected a list, got " + type_name(n));
    for (const auto& item : n) {
      if (!item.IsScalar()) fail(item, "wrong type for an entry of " + path + ": expected a text value, got " + type_name(item));
      if (item.Scalar().empty()) fail(item, "empty entry in " + path);
      out.push_back(item.Scalar());
    }
    record(path, n);
    return out;
  }

  const LayerSource& m_layer;
  Config& m_config;
};

}  // namespace vg::config::schema
