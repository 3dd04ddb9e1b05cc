#include "tests/corpus/independent/rows.hpp"

#include <algorithm>
#include <fstream>

namespace vg::corpus {

std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char c = s[++i];
      out.push_back(c == 'n' ? '\n' : c == 't' ? '\t' : c);
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

namespace {

bool split_row(const std::string& line, Row& row) {
  std::size_t a = line.find('\t');
  std::size_t b = a == std::string::npos ? a : line.find('\t', a + 1);
  std::size_t c = b == std::string::npos ? b : line.find('\t', b + 1);
  if (c == std::string::npos) return false;
  row.label = line.substr(0, a);
  row.family = line.substr(a + 1, b - a - 1);
  row.source = line.substr(b + 1, c - b - 1);
  row.command = unescape(std::string_view(line).substr(c + 1));
  row.raw = line;
  return true;
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

std::vector<Row> read_rows(const std::string& path, std::string& error) {
  std::vector<Row> rows;
  std::ifstream in(path);
  if (!in) {
    error = "cannot read " + path;
    return rows;
  }
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    Row row;
    if (!split_row(line, row)) {
      error = path + ":" + std::to_string(n) + ": expected label<TAB>family<TAB>source<TAB>command";
      return rows;
    }
    row.line = n;
    rows.push_back(std::move(row));
  }
  return rows;
}

const std::vector<std::string>& labels() {
  static const std::vector<std::string> v{"catastrophic", "danger", "changing", "safe", "lookalike"};
  return v;
}

const std::vector<std::string>& families() {
  static const std::vector<std::string> v{
      "fs-delete", "fs-overwrite", "fs-write", "device", "permissions", "network-exfil", "network", "remote-exec",
      "reverse-shell", "persistence", "privilege", "system", "package", "vcs", "container", "cloud", "database",
      "k8s", "interpreter-code", "obfuscation", "build", "test", "lint", "search", "inspect"};
  return v;
}

bool known_label(std::string_view label) { return contains(labels(), label); }
bool known_family(std::string_view family) { return contains(families(), family); }

bool valid_source(std::string_view s) {
  auto starts = [&](std::string_view p) { return s.substr(0, p.size()) == p; };
  if (starts("https://") || starts("http://")) return s.size() > 10;
  if (starts("github:")) return s.find(':', 7) != std::string_view::npos && s.find('/') != std::string_view::npos;
  if (starts("gtfobins:")) return s.size() > 9;
  if (starts("derived:")) return s.size() > 20 && s.find(" (") != std::string_view::npos;
  return false;
}

bool is_dangerous(std::string_view label) { return label == "danger" || label == "catastrophic"; }
bool is_harmless(std::string_view label) { return label == "safe" || label == "lookalike"; }

}  // namespace vg::corpus
