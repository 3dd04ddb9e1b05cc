#pragma once
// A small JSON reader for vg's own files (trust store, audit log). It reads
// into a plain tree and reports errors with line:column.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/result.hpp"

namespace vg::router {

// One JSON value.
struct Json {
  enum class Type { null, boolean, number, string, array, object };
  Type type = Type::null;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Json> items;                             // array elements
  std::vector<std::pair<std::string, Json>> members;   // object members, in order

  // Return the member `key` of an object, or nullptr.
  const Json* get(std::string_view key) const;
  // Return member `key` as a string, or `fallback` when absent or not a string.
  std::string get_string(std::string_view key, std::string fallback = "") const;
  bool is_string() const { return type == Type::string; }
  bool is_number() const { return type == Type::number; }
  bool is_object() const { return type == Type::object; }
  bool is_array() const { return type == Type::array; }
  bool is_bool() const { return type == Type::boolean; }
};

// Parse `text` as exactly one JSON value (surrounding whitespace allowed).
// An object with two members of the same name is an error. Errors read
// "line L, column C: what".
Result<Json> parse_json(std::string_view text);

}  // namespace vg::router
