#pragma once
// Writing a JSON tree (router::Json) back as text, and comparing two trees.
// Used for the answer's copy of a tool's input and for settings files.

#include <string>

#include "router/json_read.hpp"

namespace vg::agents {

// Layout of written JSON.
enum class Layout { compact, pretty };

// Return `value` as JSON text; `pretty` indents by two spaces and ends with a
// newline, as the harnesses' own settings files are written. Members keep
// their order; an integral number within 2^53 is written without a fraction.
std::string to_text(const router::Json& value, Layout layout = Layout::compact);

// True when `a` and `b` are the same JSON value (object members compared by
// name, regardless of order).
bool same_value(const router::Json& a, const router::Json& b);

// Return a string value.
router::Json json_string(std::string s);

// Return an empty object.
router::Json json_object();

// Return the member `key` of the object `object`, added (as `fallback`) at the end when missing.
router::Json& member(router::Json& object, const std::string& key, router::Json fallback);

}  // namespace vg::agents
