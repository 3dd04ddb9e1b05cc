#pragma once
// The programs a command runs, as inputs: argv[0] resolved through PATH,
// and for a script with a `#!` line its interpreter (through `env` too).

#include <string>
#include <utility>
#include <vector>

#include "cache/stat_cache.hpp"
#include "config/result.hpp"

namespace vg::cache {

// Resolve `name` as execvp would: a name with '/' relative to `cwd`, else
// the first executable regular file in `path_var` ("" when not found).
std::string resolve_program(const std::string& name, const std::string& path_var, const std::string& cwd);

// Return the interpreter chain of executable `path`: itself, then its `#!`
// interpreter (and the program `env` would run), as absolute paths.
std::vector<std::string> program_chain(const std::string& path, const std::string& path_var,
                                       const std::string& cwd);

// Digest each of `names` (resolved, with interpreters) into (path, digest)
// pairs, sorted and unique; a name that cannot be found is kept as
// ("?name", "missing") so that creating it later changes the key. An Error
// when a program exists but cannot be read.
Result<std::vector<std::pair<std::string, std::string>>> digest_programs(const std::vector<std::string>& names,
                                                                 const std::string& path_var,
                                                                 const std::string& cwd, StatCache& stats);

}  // namespace vg::cache
