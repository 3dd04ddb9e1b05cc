#pragma once
// A small JSON writer shared by vg's machine-readable outputs (explain,
// check, the audit log). Strings are escaped so that any input — control
// characters, NUL bytes, invalid UTF-8 — becomes valid JSON.

#include <cstdint>
#include <string>
#include <string_view>

namespace vg {

// Return `s` as a quoted JSON string; invalid UTF-8 bytes become U+FFFD.
std::string json_escape(std::string_view s);

// Append-only writer for one JSON value; the caller nests begin/end calls.
class JsonWriter {
 public:
  // Open an object (`{`), as a value or after a key.
  JsonWriter& begin_object();
  // Close the innermost object.
  JsonWriter& end_object();
  // Open an array (`[`).
  JsonWriter& begin_array();
  // Close the innermost array.
  JsonWriter& end_array();
  // Write the key `k` of the next member of the current object.
  JsonWriter& key(std::string_view k);
  // Write a string value.
  JsonWriter& value(std::string_view v);
  // Write a string value (disambiguates string literals from bool).
  JsonWriter& value(const char* v) { return value(std::string_view(v)); }
  // Write a boolean value.
  JsonWriter& value(bool v);
  // Write an integer value.
  JsonWriter& value(std::int64_t v);
  // Write an unsigned integer value.
  JsonWriter& value(std::uint64_t v);
  // Write an int value.
  JsonWriter& value(int v) { return value(static_cast<std::int64_t>(v)); }
  // Write `null`.
  JsonWriter& null();
  // The text written so far.
  const std::string& str() const { return m_out; }

 private:
  void separate();
  std::string m_out;
  bool m_need_comma = false;
};

}  // namespace vg
