#pragma once
// The tables that every generated completion script carries, keyed the same
// way in bash, zsh and fish: a command path that starts with the program
// ("vg", "vg cache show"; never empty, which bash cannot take as a key), or
// a path, a space and an argument ("vg exec --mode", "vg init 0").

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "clidoc/model.hpp"

namespace vg::clidoc {

struct Described {
  std::string word;
  std::string description;
};

struct CompletionTables {
  std::map<std::string, std::vector<Described>> subcommands;  // path -> its subcommands
  std::map<std::string, std::vector<Described>> options;      // path -> every flag spelling
  std::map<std::string, std::vector<std::string>> value_options;  // path -> flags taking a value
  std::map<std::string, std::string> option_values;          // "path FLAG" -> encoded spec
  std::map<std::string, std::string> positional_values;      // "path N" -> encoded spec
  std::map<std::string, int> many;                           // path -> index of a positional taking the rest
};

// Build the tables for `commands` of `program`.
CompletionTables completion_tables(const std::string& program, const std::vector<Command>& commands);

// Return the table key of `c`: "vg", "vg cache show".
std::string table_path(const std::string& program, const Command& c);

}  // namespace vg::clidoc
