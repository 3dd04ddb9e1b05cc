#pragma once
// Shell completion scripts rendered from the model (clidoc/model.hpp).

#include <string>
#include <vector>

#include "clidoc/model.hpp"

namespace vg::clidoc {

// Render a bash completion script for `program` (bash 4.2+; uses
// bash-completion's _command_offset after `--` when it is loaded).
std::string bash_completion(const std::string& program, const std::vector<Command>& commands);

// Render a zsh completion script: an autoloadable #compdef file that also
// works when sourced after compinit.
std::string zsh_completion(const std::string& program, const std::vector<Command>& commands);

// Render a fish completion script (fish 3.1+).
std::string fish_completion(const std::string& program, const std::vector<Command>& commands);

}  // namespace vg::clidoc
