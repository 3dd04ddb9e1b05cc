#pragma once
// Internal: small operations on an argv of Args shared by the reader's
// handlers (risk/handlers_*.cpp): slicing, joining, option values, and how a
// shell is called.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "risk/reader_impl.hpp"

namespace vg::risk::detail {

// Does `s` start with `p`?
inline bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
// The texts of `args`.
std::vector<std::string> texts(const std::vector<Arg>& args);
// `args[from..]` (empty past the end).
std::vector<Arg> tail(const std::vector<Arg>& args, std::size_t from);
// `args[from..to)` joined by spaces, and whether every word is known.
std::pair<std::string, bool> joined(const std::vector<Arg>& args, std::size_t from,
                                    std::size_t to = ~std::size_t{0});
// Index of the word holding the value of `short_opt` / `long_opt` in `args[from..)`:
// the next word, or the option itself with the value in `attached` (-cX,
// --command=X); npos when absent.
std::size_t option_value(const std::vector<Arg>& args, std::size_t from, std::string_view short_opt,
                         std::string_view long_opt, std::string& attached);

// How a shell is called: a -c SCRIPT, a script file, or its input.
struct ShellCall {
  bool has_script = false;
  std::size_t script_index = 0;
  bool runs_file = false;
  bool reads_stdin = false;
};
// Read a shell's options in `args` (args[0] is the shell).
ShellCall shell_call(const std::vector<Arg>& args);

}  // namespace vg::risk::detail
