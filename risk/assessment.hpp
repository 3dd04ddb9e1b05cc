#pragma once
// What the risk engine says about one command line.

#include <cstddef>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "risk/effects.hpp"

namespace vg::risk {

using Level = config::Level;

// One rule that matched.
struct Finding {
  std::string rule;         // rule id, e.g. "fs.wipe.root"
  Level level = Level::low;
  std::string description;  // why it is dangerous
  std::string command;      // the normalized simple command it matched (argv joined)
  std::size_t begin = 0;    // byte span in the input text
  std::size_t end = 0;
};

// One simple command that would run, as the shell hook needs it.
struct CommandWord {
  std::string name;             // normalized command name (argv[0] after quote removal)
  std::size_t begin = 0;        // byte span of the command word in the input
  std::size_t end = 0;
  std::size_t command_begin = 0;  // byte span of the whole simple command
  std::size_t command_end = 0;
  bool top_level = true;        // false inside $(...), `...`, <(...), or a nested shell string
};

// The verdict on a whole command line.
struct Assessment {
  Level level = Level::low;          // the highest finding's level
  std::vector<Finding> findings;     // ordered by level (highest first), then position
  bool understood = true;            // false: the strict reader could not prove it
  std::vector<std::string> reasons;  // why not understood (one line each)
  // Not understood only because it runs programs (or subcommands) vg's
  // catalogue lacks: the user's trust entry may still send it to the host.
  bool only_uncatalogued = false;
  // Executables in command position, as normalized argv[0] (after unwrapping);
  // used by trust and by the shell hook's plan.
  std::vector<std::string> executables;
  // Every simple command in the input, in source order (for `vg hook plan`).
  std::vector<CommandWord> commands;
  // What the commands would do, and the level each effect earns (effects.hpp).
  std::vector<EffectNote> effects;
};

}  // namespace vg::risk
