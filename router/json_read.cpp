#include "router/json_read.hpp"

#include <cstdlib>
#include <unordered_set>

namespace vg::router {
namespace {

constexpr int k_max_depth = 64;

class Parser {
 public:
  explicit Parser(std::string_view text) : m_text(text) {}

  Result<Json> parse_document() {
    Json v;
    skip_space();
    if (!value(v, 0)) return error();
    skip_space();
    if (m_pos != m_text.size()) {
      fail("unexpected text after the value");
      return error();
    }
    return v;
  }

 private:
  Error error() const {
    int line = 1, column = 1;
    for (std::size_t i = 0; i < m_error_pos && i < m_text.size(); ++i) {
      if (m_text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return make_error("line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + m_error);
  }

  bool fail(std::string what) {
    if (m_error.empty()) {
      m_error = std::move(what);
      m_error_pos = m_pos;
    }
    return false;
  }

  void skip_space() {
    while (m_pos < m_text.size() &&
           (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' || m_text[m_pos] == '\n' || m_text[m_pos] == '\r')) {
      ++m_pos;
    }
  }

  bool literal(std::string_view word) {
    if (m_text.substr(m_pos, word.size()) != word) return fail("unknown word");
    m_pos += word.size();
    return true;
  }

  bool value(Json& out, int depth) {
    if (depth > k_max_depth) return fail("nested too deeply");
    if (m_pos >= m_text.size()) return fail("unexpected end of input");
    char c = m_text[m_pos];
    switch (c) {
      case '{': return object(out, depth);
      case '[': return array(out, depth);
      case '"': out.type = Json::Type::string; return string(out.string);
      case 't': out.type = Json::Type::boolean; out.boolean = true; return literal("true");
      case 'f': out.type = Json::Type::boolean; out.boolean = false; return literal("false");
      case 'n': out.type = Json::Type::null; return literal("null");
      default: break;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return number(out);
    return fail(std::string("unexpected character '") + c + "'");
  }

  bool number(Json& out) {
    std::size_t start = m_pos;
    if (m_text[m_pos] == '-') ++m_pos;
    auto digits = [&] {
      std::size_t s = m_pos;
      while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9') ++m_pos;
      return m_pos > s;
    };
    if (!digits()) return fail("bad number");
    if (m_pos < m_text.size() && m_text[m_pos] == '.') {
      ++m_pos;
      if (!digits()) return fail("bad number");
    }
    if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
      ++m_pos;
      if (m_pos < m_text.size() && (m_text[m_pos] == '+' || m_text[m_pos] == '-')) ++m_pos;
      if (!digits()) return fail("bad number");
    }
    std::string text(m_text.substr(start, m_pos - start));
    out.type = Json::Type::number;
    out.number = std::strtod(text.c_str(), nullptr);
    return true;
  }

  bool hex4(unsigned& out) {
    if (m_pos + 4 > m_text.size()) return fail("short \\u escape");
    out = 0;
    for (int i = 0; i < 4; ++i) {
      char h = m_text[m_pos++];
      out <<= 4;
      if (h >= '0' && h <= '9') out |= static_cast<unsigned>(h - '0');
      else if (h >= 'a' && h <= 'f') out |= static_cast<unsigned>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') out |= static_cast<unsigned>(h - 'A' + 10);
      else return fail("bad \\u escape");
    }
    return true;
  }

  static void put_utf8(std::string& s, unsigned cp) {
    if (cp < 0x80) {
      s += static_cast<char>(cp);
    } else if (cp < 0x800) {
      s += static_cast<char>(0xC0 | (cp >> 6));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      s += static_cast<char>(0xE0 | (cp >> 12));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      s += static_cast<char>(0xF0 | (cp >> 18));
      s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool string(std::string& out) {
    ++m_pos;  // opening quote
    while (true) {
      if (m_pos >= m_text.size()) return fail("unterminated string");
      char c = m_text[m_pos];
      if (c == '"') {
        ++m_pos;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in string");
      if (c != '\\') {
        out += c;
        ++m_pos;
        continue;
      }
      ++m_pos;
      if (m_pos >= m_text.size()) return fail("unterminated string");
      char e = m_text[m_pos++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF && m_text.substr(m_pos, 2) == "\\u") {
            m_pos += 2;
            unsigned low = 0;
            if (!hex4(low)) return false;
            if (low >= 0xDC00 && low <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            } else {
              put_utf8(out, 0xFFFD);
              cp = low;
            }
          } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xFFFD;
          }
          put_utf8(out, cp);
          break;
        }
        default: --m_pos; return fail("bad escape");
      }
    }
  }

  bool array(Json& out, int depth) {
    out.type = Json::Type::array;
    ++m_pos;
    skip_space();
    if (m_pos < m_text.size() && m_text[m_pos] == ']') {
      ++m_pos;
      return true;
    }
    while (true) {
      out.items.emplace_back();
      skip_space();
      if (!value(out.items.back(), depth + 1)) return false;
      skip_space();
      if (m_pos >= m_text.size()) return fail("unterminated array");
      if (m_text[m_pos] == ',') {
        ++m_pos;
        continue;
      }
      if (m_text[m_pos] == ']') {
        ++m_pos;
        return true;
      }
      return fail("expected ',' or ']'");
    }
  }

  // True when `key` is already a member. Small objects are scanned; past
  // k_scan members a set of the names keeps a large document linear.
  static bool seen_before(const std::vector<std::pair<std::string, Json>>& members,
                          std::unordered_set<std::string>& names, const std::string& key) {
    constexpr std::size_t k_scan = 16;
    if (members.size() <= k_scan) {
      for (const auto& member : members) {
        if (member.first == key) return true;
      }
      if (members.size() == k_scan) {
        for (const auto& member : members) names.insert(member.first);
        names.insert(key);
      }
      return false;
    }
    return !names.insert(key).second;
  }

  bool object(Json& out, int depth) {
    std::unordered_set<std::string> names;
    out.type = Json::Type::object;
    ++m_pos;
    skip_space();
    if (m_pos < m_text.size() && m_text[m_pos] == '}') {
      ++m_pos;
      return true;
    }
    while (true) {
      skip_space();
      if (m_pos >= m_text.size() || m_text[m_pos] != '"') return fail("expected a member name");
      std::size_t key_at = m_pos;
      std::string key;
      if (!string(key)) return false;
      // Two members of one name are an error, never "the first (or last)
      // wins": a reader that checks one and a program that acts on the
      // other must not disagree about a document (an agent's tool call).
      if (seen_before(out.members, names, key)) {
        m_pos = key_at;
        return fail("duplicate member \"" + key + "\"");
      }
      skip_space();
      if (m_pos >= m_text.size() || m_text[m_pos] != ':') return fail("expected ':'");
      ++m_pos;
      skip_space();
      Json v;
      if (!value(v, depth + 1)) return false;
      out.members.emplace_back(std::move(key), std::move(v));
      skip_space();
      if (m_pos >= m_text.size()) return fail("unterminated object");
      if (m_text[m_pos] == ',') {
        ++m_pos;
        continue;
      }
      if (m_text[m_pos] == '}') {
        ++m_pos;
        return true;
      }
      return fail("expected ',' or '}'");
    }
  }

  std::string_view m_text;
  std::size_t m_pos = 0;
  std::string m_error;
  std::size_t m_error_pos = 0;
};

}  // namespace

const Json* Json::get(std::string_view key) const {
  for (const auto& [k, v] : members) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::string Json::get_string(std::string_view key, std::string fallback) const {
  const Json* v = get(key);
  return v && v->is_string() ? v->string : fallback;
}

Result<Json> parse_json(std::string_view text) { return Parser(text).parse_document(); }

}  // namespace vg::router
