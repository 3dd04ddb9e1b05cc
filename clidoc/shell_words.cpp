#include "clidoc/shell_words.hpp"

namespace vg::clidoc {

std::string sh_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += "'\\''";
    else out.push_back(c);
  }
  return out + "'";
}

std::string fish_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

std::string encode_spec(const ValueSpec& v) {
  switch (v.kind) {
    case Values::none: return "";
    case Values::words: return "words:" + join(v.words, " ");
    case Values::files: return "files";
    case Values::commands: return "commands";
    case Values::subcommands: return "subcommands";
    case Values::dynamic: return "dynamic:" + v.command;
  }
  return "";
}

std::vector<std::string> flag_spellings(const Option& o) {
  std::vector<std::string> out;
  for (const auto& l : o.longs) out.push_back("--" + l);
  for (const auto& s : o.shorts) out.push_back("-" + s);
  return out;
}

std::string join(const std::vector<std::string>& words, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) out += (i ? sep : "") + words[i];
  return out;
}

std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == ' ' || line.back() == '.')) line.pop_back();
  return line;
}

}  // namespace vg::clidoc
