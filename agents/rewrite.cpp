#include "agents/rewrite.hpp"

#include <algorithm>
#include <cctype>

namespace vg::agents {
namespace {

constexpr std::string_view k_middle = " exec --sandbox -- bash -c ";

// Decode a run of '...' segments joined by \' (the only form shell_quote
// writes); false for anything else.
bool unquote(std::string_view text, std::string& out) {
  out.clear();
  std::size_t i = 0;
  if (text.empty()) return false;
  while (i < text.size()) {
    if (text[i] == '\'') {
      std::size_t end = text.find('\'', i + 1);
      if (end == std::string_view::npos) return false;
      out.append(text.substr(i + 1, end - i - 1));
      i = end + 1;
    } else if (text.substr(i, 2) == "\\'") {
      out += '\'';
      i += 2;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string shell_quote(std::string_view word) {
  bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_-./:=@%+,").find(c) != std::string_view::npos;
  });
  if (plain) return std::string(word);
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

std::string sandbox_command(const std::string& vg_path, const std::string& command) {
  // Always quoted, even when plain: one form to recognise.
  std::string quoted = "'";
  for (char c : command) {
    if (c == '\'') quoted += "'\\''";
    else quoted += c;
  }
  quoted += "'";
  return shell_quote(vg_path) + std::string(k_middle) + quoted;
}

bool is_sandbox_command(const std::string& vg_path, const std::string& text, std::string* inner) {
  std::string prefix = shell_quote(vg_path) + std::string(k_middle);
  if (text.size() <= prefix.size() || text.compare(0, prefix.size(), prefix) != 0) return false;
  std::string decoded;
  if (!unquote(std::string_view(text).substr(prefix.size()), decoded)) return false;
  // Exactly the form vg writes, nothing a shell would read differently.
  if (sandbox_command(vg_path, decoded) != text) return false;
  if (inner) *inner = std::move(decoded);
  return true;
}

}  // namespace vg::agents
