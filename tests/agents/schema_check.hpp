#pragma once
// A check of a JSON value against the small subset of JSON Schema that
// fixtures/schemas/ uses: type, const, enum, required, properties,
// additionalProperties: false, items, minLength.

#include <string>

#include "router/json_read.hpp"

namespace vg::agents::e2e {

// Return "" when `value` satisfies `schema`, else the first violation with its JSON path.
std::string schema_violation(const router::Json& schema, const router::Json& value, const std::string& path = "$");

// Return the schema file fixtures/schemas/NAME, parsed (a test failure when it cannot be).
router::Json load_schema(const std::string& name);

}  // namespace vg::agents::e2e
