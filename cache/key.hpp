#pragma once
// The cache key: a digest of everything that could change a run's result.
// Each ingredient is digested on its own, so `vg cache why` can say which
// one differs from the nearest stored entry.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cache/stat_cache.hpp"
#include "cache/tree.hpp"
#include "config/config.hpp"
#include "config/result.hpp"

namespace vg::cache {

class Writer;
class Reader;
struct Scan;

// Everything a key is computed from.
struct KeyInputs {
  std::vector<std::string> argv;        // as executed (a shell script is sh -c TEXT)
  std::string cwd;                      // absolute working directory
  std::vector<std::string> env;         // the child's environment, "K=V"
  std::vector<std::string> programs;    // extra command names the script runs (from the parser)
  std::string workspace;                // absolute project root (the input tree)
  std::vector<std::string> excludes;    // sandbox.exclude
  std::string profile;                  // profile_text(config.sandbox)
  bool stdin_tty = false;
  bool stdin_data = false;              // stdin is a pipe, socket or file: stored only if traced unread
  bool stdout_tty = false;
  bool stderr_tty = false;
  unsigned umask = 022;                 // the mode bits new files and directories lose
  std::string salt;                     // sandbox.cache_salt
  std::size_t max_entries = 200'000;    // larger workspaces are not cached
};

// The digested ingredients, kept in each entry.
struct Ingredients {
  std::vector<std::string> argv;
  std::string cwd;
  std::vector<std::pair<std::string, std::string>> env;       // sorted, volatile ones removed
  std::vector<std::pair<std::string, std::string>> programs;  // path -> content digest
  std::string profile;
  std::string terminal;   // "stdin=tty stdout=pipe stderr=tty umask=22": how the process starts"
  std::string salt;       // digest of the salt (the salt itself is not stored)
  std::string inputs;     // digest of the input tree

  // Each ingredient's name and digest, in key order.
  std::vector<std::pair<std::string, std::string>> digests() const;
  // The key these ingredients make (64 hex digits).
  std::string key() const;
  void encode(Writer& w) const;
  bool decode(Reader& r);
};

// A computed key with what went into it.
struct Key {
  std::string hex;
  Ingredients ingredients;
  Tree tree;
};

// The ingredients of a run except its input tree (`inputs` left empty): the
// command, cwd, environment, programs, profile, terminal and salt.
Result<Ingredients> command_ingredients(const KeyInputs& inputs, StatCache& stats);

// Compute the key of a run. An Error when some input cannot be digested
// (unreadable, changing, too many files): such a run is not cached.
Result<Key> compute_key(const KeyInputs& inputs, StatCache& stats);
// Same, with the workspace already scanned (scan_tree of inputs.workspace).
Result<Key> compute_key(const KeyInputs& inputs, StatCache& stats, Scan scan);

// The key of a run whose `command` ingredients (command_ingredients) and
// input `tree` are known.
Key make_key(Ingredients command, Tree tree);

// True for variables that differ between otherwise identical runs and
// name nothing a sandboxed command needs: OLDPWD (the caller's last cd),
// SSH_*, terminal and session ids. They are neither keyed nor passed to a
// run that may be stored (without_volatile); every other variable (PWD,
// SHLVL, _) is keyed.
bool volatile_variable(std::string_view name);

// `env` ("K=V") without its volatile variables: what a run that may be
// stored is given, so that it is given what it is keyed on.
std::vector<std::string> without_volatile(const std::vector<std::string>& env);

// The documented list of volatile variable names (SSH_* is a prefix).
const std::vector<std::string_view>& volatile_variables();

// Serialize the fields of `sandbox` that change what a run can see or do:
// runtime, isolation, network, resources, volumes, excludes.
std::string profile_text(const config::Sandbox& sandbox);

}  // namespace vg::cache
