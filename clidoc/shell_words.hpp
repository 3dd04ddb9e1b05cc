#pragma once
// Helpers shared by the completion renderers: quoting, and a value spec as
// the one word the generated scripts interpret at completion time.

#include <string>
#include <vector>

#include "clidoc/model.hpp"

namespace vg::clidoc {

// Quote `text` as one single-quoted word for bash and zsh.
std::string sh_quote(const std::string& text);

// Quote `text` as one single-quoted word for fish.
std::string fish_quote(const std::string& text);

// Encode `v` for the scripts: "words:a b", "files", "commands",
// "subcommands", "dynamic:PIPELINE", or "" for none.
std::string encode_spec(const ValueSpec& v);

// Return every flag spelling of `o`: "--json", "-n".
std::vector<std::string> flag_spellings(const Option& o);

// Join `words` with `sep`.
std::string join(const std::vector<std::string>& words, const std::string& sep);

// The first line of `text`, trimmed (descriptions shown beside a choice).
std::string first_line(const std::string& text);

}  // namespace vg::clidoc
