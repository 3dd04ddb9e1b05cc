// Quote removal and word transformations (see words.hpp).
#include "risk/words.hpp"

#include <cstdint>

namespace vg::risk {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x110000) {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decode one backslash escape at s[i] (s[i] == '\\') as echo -e / printf / $'..'
// do; returns the index after it.
std::size_t decode_escape(std::string_view s, std::size_t i, std::string& out) {
  if (i + 1 >= s.size()) {
    out.push_back('\\');
    return i + 1;
  }
  char c = s[i + 1];
  std::size_t j = i + 2;
  switch (c) {
    case 'a': out.push_back('\a'); return j;
    case 'b': out.push_back('\b'); return j;
    case 'e':
    case 'E': out.push_back('\x1b'); return j;
    case 'f': out.push_back('\f'); return j;
    case 'n': out.push_back('\n'); return j;
    case 'r': out.push_back('\r'); return j;
    case 't': out.push_back('\t'); return j;
    case 'v': out.push_back('\v'); return j;
    case '\\': out.push_back('\\'); return j;
    case '\'': out.push_back('\''); return j;
    case '"': out.push_back('"'); return j;
    case '?': out.push_back('?'); return j;
    case 'x': {
      int v = 0, n = 0;
      while (n < 2 && j < s.size() && hex_value(s[j]) >= 0) v = v * 16 + hex_value(s[j++]), ++n;
      if (n == 0) {
        out += "\\x";
        return j;
      }
      out.push_back(static_cast<char>(v));
      return j;
    }
    case 'u':
    case 'U': {
      std::uint32_t v = 0;
      int n = 0, max = c == 'u' ? 4 : 8;
      while (n < max && j < s.size() && hex_value(s[j]) >= 0) v = v * 16 + static_cast<std::uint32_t>(hex_value(s[j++])), ++n;
      if (n == 0) {
        out.push_back('\\');
        out.push_back(c);
        return j;
      }
      append_utf8(out, v);
      return j;
    }
    case 'c':
      if (j < s.size()) {
        out.push_back(static_cast<char>(s[j] & 0x1F));
        return j + 1;
      }
      out += "\\c";
      return j;
    default:
      if (c >= '0' && c <= '7') {
        int v = 0, n = 0;
        j = i + 1;
        if (s[j] == '0' && j + 1 < s.size() && s[j + 1] >= '0' && s[j + 1] <= '7') ++j;  // \0nnn
        while (n < 3 && j < s.size() && s[j] >= '0' && s[j] <= '7') v = v * 8 + (s[j++] - '0'), ++n;
        out.push_back(static_cast<char>(v & 0xFF));
        return j;
      }
      out.push_back('\\');
      out.push_back(c);
      return j;
  }
}

}  // namespace

std::string unescape_unquoted(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      ++i;
      if (s[i] == '\n') continue;
      out.push_back(s[i]);
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string unescape_double(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char c = s[i + 1];
      if (c == '$' || c == '`' || c == '"' || c == '\\') {
        out.push_back(c);
        ++i;
        continue;
      }
      if (c == '\n') {
        ++i;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::string decode_ansi_c(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  for (std::size_t i = 0; i < body.size();) {
    if (body[i] == '\\') {
      i = decode_escape(body, i, out);
    } else {
      out.push_back(body[i++]);
    }
  }
  return out;
}

std::optional<std::vector<std::string>> brace_expand(std::string_view word, std::size_t limit) {
  // Find the first top-level {...} group holding a comma.
  for (std::size_t open = 0; open < word.size(); ++open) {
    if (word[open] != '{') continue;
    int depth = 0;
    std::vector<std::size_t> commas;
    std::size_t close = std::string_view::npos;
    for (std::size_t k = open; k < word.size(); ++k) {
      if (word[k] == '{') ++depth;
      if (word[k] == '}' && --depth == 0) {
        close = k;
        break;
      }
      if (word[k] == ',' && depth == 1) commas.push_back(k);
    }
    if (close == std::string_view::npos) return std::nullopt;
    if (commas.empty()) continue;
    std::string prefix(word.substr(0, open));
    std::string suffix(word.substr(close + 1));
    std::vector<std::string> out;
    std::size_t start = open + 1;
    commas.push_back(close);
    for (std::size_t c : commas) {
      std::string alt = prefix + std::string(word.substr(start, c - start)) + suffix;
      auto more = brace_expand(alt, limit);
      if (more) {
        for (auto& m : *more) out.push_back(std::move(m));
      } else {
        out.push_back(std::move(alt));
      }
      if (out.size() > limit) return out;
      start = c + 1;
    }
    return out;
  }
  return std::nullopt;
}

std::vector<std::string> split_fields(std::string_view s, std::string_view ifs) {
  std::vector<std::string> out;
  std::size_t i = 0;
  auto sep = [&](char c) { return ifs.find(c) != std::string_view::npos; };
  while (i < s.size()) {
    while (i < s.size() && sep(s[i])) ++i;
    std::size_t j = i;
    while (j < s.size() && !sep(s[j])) ++j;
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string normalize_path(std::string_view word) {
  std::string prefix;
  std::string_view rest;
  if (word == "~" || word.rfind("~/", 0) == 0) {
    prefix = "$HOME";
    rest = word.substr(1);
  } else if (word.rfind("$HOME", 0) == 0 && (word.size() == 5 || word[5] == '/')) {
    prefix = "$HOME";
    rest = word.substr(5);
  } else if (word.rfind("${HOME}", 0) == 0 && (word.size() == 7 || word[7] == '/')) {
    prefix = "$HOME";
    rest = word.substr(7);
  } else if (!word.empty() && word[0] == '/') {
    rest = word;
  } else {
    return std::string(word);
  }
  if (rest.empty()) return prefix;
  // Split into components and resolve . and .. lexically.
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i <= rest.size()) {
    std::size_t j = rest.find('/', i);
    if (j == std::string_view::npos) j = rest.size();
    std::string_view part = rest.substr(i, j - i);
    if (part.empty() || part == ".") {
    } else if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out = prefix;
  for (auto p : parts) {
    out.push_back('/');
    out.append(p);
  }
  if (out.empty()) out = "/";
  return out;
}

std::string_view base_name(std::string_view word) {
  while (word.size() > 1 && word.back() == '/') word.remove_suffix(1);
  auto slash = word.rfind('/');
  if (slash == std::string_view::npos) return word;
  return word.substr(slash + 1);
}

std::string apply_printf(std::string_view format, const std::vector<std::string>& args) {
  std::string out;
  std::size_t next = 0;
  auto take = [&]() -> std::string { return next < args.size() ? args[next++] : std::string(); };
  for (std::size_t i = 0; i < format.size();) {
    char c = format[i];
    if (c == '\\') {
      i = decode_escape(format, i, out);
    } else if (c == '%' && i + 1 < format.size()) {
      std::size_t j = i + 1;
      while (j < format.size() && std::string_view("-+ #0123456789.").find(format[j]) != std::string_view::npos) ++j;
      if (j >= format.size()) break;
      char conv = format[j];
      if (conv == '%') {
        out.push_back('%');
      } else if (conv == 'b') {
        out += decode_ansi_c(take());
      } else if (conv == 'c') {
        std::string a = take();
        if (!a.empty()) out.push_back(a[0]);
      } else if (conv == 'd' || conv == 'i' || conv == 's' || conv == 'u' || conv == 'q') {
        out += take();
      } else {
        out.append(format.substr(i, j + 1 - i));
      }
      i = j + 1;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view s) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+' || c == '-') v = 62;
    else if (c == '/' || c == '_') v = 63;
    else if (c == '=' || c == ' ' || c == '\n' || c == '\t' || c == '\r') continue;
    else return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

}  // namespace vg::risk
