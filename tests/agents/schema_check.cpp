#include "tests/agents/schema_check.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "agents/json_text.hpp"

namespace vg::agents::e2e {
namespace {

using router::Json;

const char* type_name(const Json& v) {
  switch (v.type) {
    case Json::Type::null: return "null";
    case Json::Type::boolean: return "boolean";
    case Json::Type::number: return "number";
    case Json::Type::string: return "string";
    case Json::Type::array: return "array";
    case Json::Type::object: return "object";
  }
  return "?";
}

bool type_matches(const Json& type, const Json& v) {
  if (type.is_array()) {
    for (const auto& t : type.items) {
      if (type_matches(t, v)) return true;
    }
    return false;
  }
  return type.string == type_name(v) || (type.string == "integer" && v.is_number());
}

}  // namespace

std::string schema_violation(const Json& schema, const Json& value, const std::string& path) {
  if (const Json* t = schema.get("type"); t && !type_matches(*t, value)) {
    return path + ": is " + type_name(value) + ", not " + to_text(*t);
  }
  if (const Json* c = schema.get("const"); c && !same_value(*c, value)) {
    return path + ": is " + to_text(value) + ", not " + to_text(*c);
  }
  if (const Json* e = schema.get("enum")) {
    bool found = false;
    for (const auto& option : e->items) found = found || same_value(option, value);
    if (!found) return path + ": " + to_text(value) + " is not one of " + to_text(*e);
  }
  if (const Json* m = schema.get("minLength"); m && value.is_string() && value.string.size() < m->number) {
    return path + ": shorter than " + to_text(*m);
  }
  if (value.is_object()) {
    const Json* props = schema.get("properties");
    if (const Json* req = schema.get("required")) {
      for (const auto& name : req->items) {
        if (!value.get(name.string)) return path + ": no required member \"" + name.string + "\"";
      }
    }
    const Json* extra = schema.get("additionalProperties");
    for (const auto& [name, member] : value.members) {
      const Json* sub = props ? props->get(name) : nullptr;
      if (!sub) {
        if (extra && extra->is_bool() && !extra->boolean) return path + ": member \"" + name + "\" is not allowed";
        continue;
      }
      std::string v = schema_violation(*sub, member, path + "." + name);
      if (!v.empty()) return v;
    }
  }
  if (value.is_array()) {
    if (const Json* items = schema.get("items")) {
      for (std::size_t i = 0; i < value.items.size(); ++i) {
        std::string v = schema_violation(*items, value.items[i], path + "[" + std::to_string(i) + "]");
        if (!v.empty()) return v;
      }
    }
  }
  return "";
}

Json load_schema(const std::string& name) {
  std::ifstream in(std::string(VG_AGENTS_FIXTURES) + "/schemas/" + name);
  std::ostringstream s;
  s << in.rdbuf();
  auto parsed = router::parse_json(s.str());
  EXPECT_TRUE(parsed.ok()) << name << ": " << (parsed ? "" : parsed.error().message);
  return parsed ? *parsed : Json{};
}

}  // namespace vg::agents::e2e
