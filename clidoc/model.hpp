#pragma once
// A CLI11 app as plain data: every command path with its options,
// positionals and subcommands, and what each value completes to. The
// completion scripts and the man pages are rendered from this one model.

#include <map>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace vg::clidoc {

// What a value (an option's or a positional's) completes to.
enum class Values {
  none,         // free text: nothing to offer
  words,        // a fixed list (`words`)
  files,        // file names
  commands,     // a command, then its arguments (`vg exec -- CMD ...`)
  subcommands,  // the top-level command names (`vg help CMD`)
  dynamic,      // the words a shell pipeline prints at completion time (`command`)
};

// How one value is completed: `words` for Values::words, `command` (a
// pipeline valid in bash, zsh and fish) for Values::dynamic.
struct ValueSpec {
  Values kind = Values::none;
  std::vector<std::string> words;
  std::string command;
};

struct Option {
  std::vector<std::string> longs;   // without "--"
  std::vector<std::string> shorts;  // without "-"
  bool takes_value = false;
  std::string value_name;           // "SCRIPT", "N"
  std::string description;
  ValueSpec values;
};

struct Positional {
  std::string name;
  std::string description;
  bool required = false;
  bool many = false;  // takes every remaining word
  ValueSpec values;
};

struct Command {
  std::string path;  // "" for the program itself, "cache show" below it
  std::string name;  // the last word of the path (the program name at the top)
  std::string description;
  std::string footer;
  std::vector<Option> options;
  std::vector<Positional> positionals;
  std::vector<std::string> subcommands;  // names, in definition order
};

// Completion hints keyed by "PATH ARG": "init shell" names a positional of
// `vg init`, "exec --mode" an option of `vg exec` by its first long name.
using Hints = std::map<std::string, ValueSpec>;

// Describe `app` and its visible subcommands (hidden ones, in the "" group,
// are left out), depth first, the program itself first.
std::vector<Command> describe(const CLI::App& app, const Hints& hints = {});

// Return the option of `c` with long name `name`, or nullptr.
const Option* find_option(const Command& c, const std::string& name);

}  // namespace vg::clidoc
