#pragma once
// The catalogue of programs: what each program (and each subcommand of a
// multi-command tool) does to the paths it is given, which of its options
// take a value, and what it changes beyond files. Kept as data in
// config/rules/programs.tsv, validated and compiled in at build time
// (risk/tools/catalogc.cpp); each entry is parsed only when a command uses it.
//
// One line per program: NAMES[:SUB[:SUB]] then tokens (see programs.tsv).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/result.hpp"

namespace vg::risk {

// What a command does to one path (or word) it is given.
enum class Effect : std::uint8_t {
  data,       // not a path: a pattern, a message, a name
  read,
  write,      // creates or changes
  truncate,   // empties or overwrites whole
  remove,     // deletes
  remove_in,  // deletes what it finds below (find -delete, git clean)
  mode,       // changes mode, owner, attributes
  exec,       // runs it as a program
  shell,      // a shell command line it runs (tar --to-command, rsync -e, pip config --editor)
  escape,     // text that runs a command line when it starts with an escape (`!cmd`, `.shell cmd`,
              // `ProxyCommand cmd`, `core.pager=cmd`, `%(cmd)`, `execute(cmd)`), else data
};

// What a command changes beyond its paths.
enum class SystemChange : std::uint8_t { none, packages, services, users, mounts, kernel, boot, schedule,
                                         firewall, network, deploy };

// Network traffic.
enum class Network : std::uint8_t { none, fetch, send };

// One option of a program.
struct OptionSpec {
  enum class Kind : std::uint8_t {
    value,      // takes a value; `effect` is what happens to it
    as,         // a flag that turns the path effect of the operands into `effect` (sed -i)
    noop,       // a flag (or a bare word: `status`) after which the command changes nothing
    recursive,  // a flag that makes removals recursive
    as_last,    // a flag that turns the final operand's effect into `effect` (rsync --delete)
  };
  std::string_view name;  // "-o", "--output", or "if" for a dd-style key (kv)
  Kind kind = Kind::value;
  Effect effect = Effect::data;
  bool key_value = false;  // a dd-style KEY=VALUE operand
  bool pattern = false;    // its value is the program's pattern or script (grep -e, sed -e): every operand is a file
};

// One catalogue entry, parsed.
struct ProgramSpec {
  std::string_view key;                 // "rm", "git:push"
  std::vector<Effect> operands;         // per operand; the last one repeats (empty: all data)
  std::optional<Effect> last;           // the final operand, when it differs (cp SRC... DEST)
  std::vector<OptionSpec> options;
  bool subcommands = false;             // the first operand names a subcommand (KEY:SUB)
  bool operands_first = false;          // operands come before the first option (find)
  bool bundled = false;                 // the first word may be options without their dash (tar cvf)
  SystemChange system = SystemChange::none;
  Network network = Network::none;
  config::Level floor = config::Level::low;  // a level the entry always has
};

// Parse the tokens of one catalogue line (after its names); `key` is kept as a view.
Result<ProgramSpec> parse_program_spec(std::string_view key, std::string_view tokens);
// Find `key` ("rm", "git:push") in the built-in catalogue; nullptr when
// absent. An entry is parsed at its first use and kept (per thread) for the
// life of the process.
const ProgramSpec* find_program(std::string_view key);
// The names of Effect, SystemChange and Network values, for messages.
const char* to_string(Effect e);
const char* to_string(SystemChange s);

// One line of the compiled catalogue (builtin_catalogue.cpp, generated).
struct CatalogueLine {
  std::string_view key;
  std::string_view tokens;
};
// Every line, sorted by key.
const CatalogueLine* builtin_catalogue(std::size_t& count);

}  // namespace vg::risk
