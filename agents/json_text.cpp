#include "agents/json_text.hpp"

#include <cmath>
#include <cstdio>

#include "config/json.hpp"

namespace vg::agents {
namespace {

std::string number_text(double n) {
  if (std::isfinite(n) && std::floor(n) == n && std::fabs(n) <= 9007199254740992.0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(n));
    return buf;
  }
  if (!std::isfinite(n)) return "null";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", n);
  return buf;
}

void write(const router::Json& v, Layout layout, int depth, std::string& out) {
  auto newline = [&](int d) {
    if (layout == Layout::compact) return;
    out += '\n';
    out.append(static_cast<std::size_t>(d) * 2, ' ');
  };
  switch (v.type) {
    case router::Json::Type::null: out += "null"; return;
    case router::Json::Type::boolean: out += v.boolean ? "true" : "false"; return;
    case router::Json::Type::number: out += number_text(v.number); return;
    case router::Json::Type::string: out += json_escape(v.string); return;
    case router::Json::Type::array:
      if (v.items.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ',';
        newline(depth + 1);
        write(v.items[i], layout, depth + 1, out);
      }
      newline(depth);
      out += ']';
      return;
    case router::Json::Type::object:
      if (v.members.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      for (std::size_t i = 0; i < v.members.size(); ++i) {
        if (i) out += ',';
        newline(depth + 1);
        out += json_escape(v.members[i].first);
        out += layout == Layout::pretty ? ": " : ":";
        write(v.members[i].second, layout, depth + 1, out);
      }
      newline(depth);
      out += '}';
      return;
  }
}

}  // namespace

std::string to_text(const router::Json& value, Layout layout) {
  std::string out;
  write(value, layout, 0, out);
  if (layout == Layout::pretty) out += '\n';
  return out;
}

bool same_value(const router::Json& a, const router::Json& b) {
  if (a.type != b.type) return false;
  switch (a.type) {
    case router::Json::Type::null: return true;
    case router::Json::Type::boolean: return a.boolean == b.boolean;
    case router::Json::Type::number: return a.number == b.number;
    case router::Json::Type::string: return a.string == b.string;
    case router::Json::Type::array:
      if (a.items.size() != b.items.size()) return false;
      for (std::size_t i = 0; i < a.items.size(); ++i) {
        if (!same_value(a.items[i], b.items[i])) return false;
      }
      return true;
    case router::Json::Type::object:
      if (a.members.size() != b.members.size()) return false;
      for (const auto& [name, value] : a.members) {
        const router::Json* other = b.get(name);
        if (!other || !same_value(value, *other)) return false;
      }
      return true;
  }
  return false;
}

router::Json json_string(std::string s) {
  router::Json j;
  j.type = router::Json::Type::string;
  j.string = std::move(s);
  return j;
}

router::Json json_object() {
  router::Json j;
  j.type = router::Json::Type::object;
  return j;
}

router::Json& member(router::Json& object, const std::string& key, router::Json fallback) {
  for (auto& [name, value] : object.members) {
    if (name == key) return value;
  }
  object.members.emplace_back(key, std::move(fallback));
  return object.members.back().second;
}

}  // namespace vg::agents
