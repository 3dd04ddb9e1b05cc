#pragma once
// The independent corpus's row format: label<TAB>family<TAB>source<TAB>command,
// '#' comment lines, escapes \n \t \\ in the command (as tests/corpus/corpus.tsv).

#include <string>
#include <string_view>
#include <vector>

namespace vg::corpus {

struct Row {
  std::string label;    // catastrophic, danger, changing, safe, lookalike
  std::string family;   // one of families()
  std::string source;   // URL, github:owner/repo:path, gtfobins:NAME, derived:ID (how)
  std::string command;  // unescaped
  std::string raw;      // the line as stored
  std::size_t line = 0;
};

// Read every row of `path`; on a malformed line, set `error` and return what was read.
std::vector<Row> read_rows(const std::string& path, std::string& error);

// Undo the \n \t \\ escapes.
std::string unescape(std::string_view s);

const std::vector<std::string>& labels();
const std::vector<std::string>& families();
bool known_label(std::string_view label);
bool known_family(std::string_view family);
// A source is a URL, github:owner/repo:path, gtfobins:NAME or derived:ID (how).
bool valid_source(std::string_view source);

bool is_dangerous(std::string_view label);  // danger or catastrophic
bool is_harmless(std::string_view label);   // safe or lookalike

}  // namespace vg::corpus
