// JSON string escaping and the small writer.
#include "config/json.hpp"

#include <cstdio>

namespace vg {
namespace {

// Length of the valid UTF-8 sequence at `s[i]`, or 0 when it is invalid
// (overlong forms, surrogates and code points past U+10FFFF are invalid).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if (n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return 0;
  if (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
  return n;
}

}  // namespace

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      std::size_t n = utf8_sequence(s, i);
      if (n == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(s.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
  return out;
}

void JsonWriter::separate() {
  if (m_need_comma) m_out.push_back(',');
  m_need_comma = false;
}

JsonWriter& JsonWriter::begin_object() {
  separate();
  m_out.push_back('{');
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  m_out.push_back('}');
  m_need_comma = true;
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  separate();
  m_out.push_back('[');
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  m_out.push_back(']');
  m_need_comma = true;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
  separate();
  m_out += json_escape(k);
  m_out.push_back(':');
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view v) {
  separate();
  m_out += json_escape(v);
  m_need_comma = true;
  return *this;
}

JsonWriter& JsonWriter::value(bool v) {
  separate();
  m_out += v ? "true" : "false";
  m_need_comma = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t v) {
  separate();
  m_out += std::to_string(v);
  m_need_comma = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t v) {
  separate();
  m_out += std::to_string(v);
  m_need_comma = true;
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  m_out += "null";
  m_need_comma = true;
  return *this;
}

}  // namespace vg
