#include "shell-hooks/definitions.hpp"

#include <algorithm>

#include "shell-hooks/lexical.hpp"

namespace vg::hooks {
namespace {

bool plain_word(std::string_view raw) {
  return !raw.empty() && raw.find_first_of("'\"\\$`") == std::string_view::npos;
}

bool blank(char c) { return c == ' ' || c == '\t'; }

bool word_end(char c) {
  return blank(c) || c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '<' || c == '>';
}

// The lines of `text`, without their newlines.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    out.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

std::string join_lines(const std::vector<std::string_view>& lines, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) {
    out.append(lines[i]);
    out.push_back('\n');
  }
  return out;
}

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

struct Replacement {
  std::size_t begin;
  std::size_t end;
  const std::string* value;
};

}  // namespace

HookInput parse_hook_input(std::string_view text) {
  HookInput in;
  std::size_t nul = text.find('\0');
  in.names = parse_names(text.substr(0, nul));
  if (nul == std::string_view::npos) return in;
  text.remove_prefix(nul + 1);
  std::vector<std::string_view> fields;
  while (!text.empty()) {
    std::size_t end = text.find('\0');
    fields.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  for (std::size_t i = 0; i + 2 < fields.size(); i += 3) {
    std::string_view kind = fields[i];
    std::string name(fields[i + 1]);
    std::string value(fields[i + 2]);
    while (!kind.empty() && (kind.front() == '\n' || kind.front() == ' ')) kind.remove_prefix(1);
    if (name.empty()) continue;
    if (kind == "alias") in.definitions.aliases.emplace(std::move(name), std::move(value));
    else if (kind == "function") in.definitions.functions.emplace(std::move(name), std::move(value));
  }
  return in;
}

std::string function_body(Shell shell, std::string_view definition) {
  auto lines = lines_of(definition);
  switch (shell) {
    case Shell::zsh: return std::string(definition);
    case Shell::bash: {
      // declare -f: "f () ", "{ ", the body indented, "}" at column 0.
      std::size_t open = 0;
      while (open < lines.size() && trim_right(lines[open]) != "{") ++open;
      std::size_t close = lines.size();
      while (close > 0 && (lines[close - 1].empty() || lines[close - 1].front() != '}')) --close;
      if (open >= lines.size() || close == 0 || close <= open + 1) return std::string(definition);
      return join_lines(lines, open + 1, close - 1);
    }
    case Shell::fish: {
      // functions NAME: "# Defined in ...", "function NAME ...", body, "end".
      std::size_t header = 0;
      while (header < lines.size() && lines[header].rfind("function ", 0) != 0) ++header;
      std::size_t end = lines.size();
      while (end > 0 && trim_right(lines[end - 1]).empty()) --end;
      if (header >= lines.size() || end == 0 || trim_right(lines[end - 1]) != "end" || end <= header + 1) {
        return std::string(definition);
      }
      return join_lines(lines, header + 1, end - 1);
    }
  }
  return std::string(definition);
}

std::optional<std::string> expand_aliases(std::string_view line, const std::vector<Command>& commands,
                                          const std::map<std::string, std::string>& aliases,
                                          std::set<std::string>& expanded) {
  if (aliases.empty()) return std::nullopt;
  auto lex = classify(line);
  std::vector<Replacement> todo;
  std::set<std::string> now;
  auto candidate = [&](std::size_t begin, std::size_t end) -> const std::string* {
    if (begin >= end || end > line.size() || lex[begin] != Lex::code) return nullptr;
    std::string name(line.substr(begin, end - begin));
    if (!plain_word(name) || expanded.count(name) != 0) return nullptr;
    auto it = aliases.find(name);
    if (it == aliases.end()) return nullptr;
    now.insert(name);
    return &it->second;
  };
  for (const auto& c : commands) {
    if (c.end > line.size() || line.substr(c.begin, c.end - c.begin) != c.name) continue;
    std::size_t b = c.begin;
    std::size_t e = c.end;
    while (const std::string* value = candidate(b, e)) {
      todo.push_back({b, e, value});
      // A value that ends in a blank makes the next word a candidate too.
      if (value->empty() || !blank(value->back())) break;
      b = e;
      while (b < line.size() && blank(line[b])) ++b;
      e = b;
      while (e < line.size() && !word_end(line[e])) ++e;
    }
  }
  if (todo.empty()) return std::nullopt;
  std::sort(todo.begin(), todo.end(), [](const Replacement& a, const Replacement& b) { return a.begin > b.begin; });
  todo.erase(std::unique(todo.begin(), todo.end(),
                         [](const Replacement& a, const Replacement& b) { return a.begin == b.begin; }),
             todo.end());
  std::string out(line);
  for (const auto& r : todo) out.replace(r.begin, r.end - r.begin, *r.value);
  expanded.insert(now.begin(), now.end());
  return out;
}

}  // namespace vg::hooks
