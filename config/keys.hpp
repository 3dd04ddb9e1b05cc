#pragma once
// Every effective config key by its dotted name ("sandbox.network.mode"),
// with its value rendered for `vg config show` and for notes.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace vg::config {

// A value as shown to people (text) and to programs (JSON).
struct ShownValue {
  enum class Kind { text, number, boolean, list };
  Kind kind = Kind::text;
  std::string text;                // text, number, boolean
  std::vector<std::string> items;  // list
};

// One key of the schema.
struct KeyInfo {
  const char* path;
  ShownValue (*get)(const Config&);
};

// Return every key, in schema order.
std::span<const KeyInfo> all_keys();

// Return the key named `path`, or nullptr.
const KeyInfo* find_key(std::string_view path);

// Render `v` for people: `always`, `[a, b]`.
std::string to_text(const ShownValue& v);

// Render `v` as a JSON value.
std::string to_json(const ShownValue& v);

// Quote `s` as a JSON string.
std::string json_quote(std::string_view s);

}  // namespace vg::config
