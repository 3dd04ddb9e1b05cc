#pragma once
// A quote-aware scan of a shell line: which bytes are shell code (where a
// word in command position runs in the interactive shell or one of its
// substitutions) and which are literal text (quoted strings, heredoc bodies,
// comments) whose commands only a nested shell would run.

#include <cstdint>
#include <string_view>
#include <vector>

namespace vg::hooks {

enum class Lex : std::uint8_t {
  code,    // top level, or inside $(...), `...`, <(...), >(...)
  string,  // inside '...', "...", $'...', ${...}, $((...)), a heredoc body or a comment
};

// Classify every byte of `line` (bash/zsh syntax; fish lines are close
// enough for the positions the hook needs).
std::vector<Lex> classify(std::string_view line);

// Return the word that ends right before `pos` (skipping blanks), or "" at
// the start of a command.
std::string_view previous_word(std::string_view line, std::size_t pos);

}  // namespace vg::hooks
