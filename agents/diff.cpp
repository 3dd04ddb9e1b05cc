#include "agents/diff.hpp"

#include <algorithm>
#include <vector>

namespace vg::agents {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

struct Line {
  char op;  // ' ', '-', '+'
  std::string text;
};

// Longest common subsequence; settings files are small (quadratic is fine).
std::vector<Line> edit_script(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::vector<Line> out;
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      out.push_back({' ', a[i++]});
      ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out.push_back({'-', a[i++]});  // removals first, as diff -u writes them
    } else {
      out.push_back({'+', b[j++]});
    }
  }
  return out;
}

}  // namespace

std::string unified_diff(const std::string& before, const std::string& after, const std::string& label) {
  if (before == after) return "";
  auto a = lines_of(before);
  auto b = lines_of(after);
  auto script = edit_script(a, b);
  constexpr std::size_t k_context = 3;
  std::string out = "--- " + label + "\n+++ " + label + "\n";
  std::size_t k = 0;
  while (k < script.size()) {
    // Find the next change; a hunk spans changes closer than 2 * context.
    std::size_t first = k;
    while (first < script.size() && script[first].op == ' ') ++first;
    if (first == script.size()) break;
    std::size_t start = first > k_context ? first - k_context : 0;
    std::size_t end = first;
    std::size_t quiet = 0;
    for (std::size_t p = first; p < script.size(); ++p) {
      if (script[p].op != ' ') {
        end = p + 1;
        quiet = 0;
      } else if (++quiet > 2 * k_context) {
        break;
      }
    }
    std::size_t stop = std::min(script.size(), end + k_context);
    // Line numbers of the hunk in each text.
    std::size_t a_line = 1, b_line = 1;
    for (std::size_t p = 0; p < start; ++p) {
      if (script[p].op != '+') ++a_line;
      if (script[p].op != '-') ++b_line;
    }
    std::size_t a_count = 0, b_count = 0;
    std::string body;
    for (std::size_t p = start; p < stop; ++p) {
      if (script[p].op != '+') ++a_count;
      if (script[p].op != '-') ++b_count;
      body += script[p].op + script[p].text + "\n";
    }
    out += "@@ -" + std::to_string(a_count ? a_line : a_line - 1) + "," + std::to_string(a_count) + " +" +
           std::to_string(b_count ? b_line : b_line - 1) + "," + std::to_string(b_count) + " @@\n" + body;
    k = stop;
  }
  return out;
}

}  // namespace vg::agents
