#pragma once
// Tables of commands that run other commands (wrappers), shells and
// interpreters, and option-aware skipping of a wrapper's own options.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vg::risk {

// How a command treats the words after it.
enum class Runs {
  nothing,      // an ordinary command (its arguments are data or files)
  argv,         // a wrapper: runs the argv that follows its options
  shell,        // sh/bash/zsh/...: -c SCRIPT, a script file, or its input
  interpreter,  // python/perl/ruby/node/php/...: -c/-e CODE, a file, or its input
  special,      // handled case by case (env, su, find, xargs, ssh, eval, ...)
};

// Option syntax of a wrapper: which options take a value, and how many
// positional words (e.g. timeout's DURATION) come before the command.
struct WrapperSpec {
  std::string_view short_with_value;               // e.g. "ugp" for sudo -u USER
  std::vector<std::string_view> long_with_value;   // e.g. {"--user"}
  std::size_t positionals = 0;
};

// Classify a command by its base name.
Runs classify(std::string_view base);
// The option syntax of an argv wrapper (classify() == Runs::argv).
const WrapperSpec& wrapper_spec(std::string_view base);
// Index of the first word after `start` that is not an option of `spec`
// (skipping `--`); `words.size()` when there is none.
std::size_t skip_options(const std::vector<std::string>& words, std::size_t start, const WrapperSpec& spec);
// Is `base` a command whose path arguments are destroyed or changed (rm, dd, chmod, ...)?
bool is_destructive(std::string_view base);
// Is `base` a command whose arguments are data, never commands (echo, grep, ...)?
bool is_data_command(std::string_view base);

}  // namespace vg::risk
