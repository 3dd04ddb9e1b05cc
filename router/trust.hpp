#pragma once
// Trust: remembered approvals that send a matching command to the host.
//
// A PATTERN is a plain command line of literal words, e.g. `npm test` or
// `make -C build *`. Its first word is resolved through PATH when the entry is
// added and stored as an absolute path, so `./cat` and `/usr/bin/cat` are
// different programs. It matches a command whose first word resolves (through
// the command's own PATH and working directory) to the same absolute path and
// whose remaining words equal the pattern's; a last word `*` matches any
// further arguments, none included. Words are compared after quote removal,
// so `git 'status'` equals `git status`. Only plain commands can match: a
// command with expansions, globs, redirections, pipes, lists, assignments or
// anything else a shell would interpret never matches a trust entry (and the
// router never applies trust to a critical or not fully understood command).

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "config/result.hpp"

namespace vg::router {

// One remembered approval.
struct TrustEntry {
  std::string id;                 // 8 hex digits
  std::string pattern;            // as the user wrote it
  std::string executable;         // absolute path of the first word
  std::vector<std::string> args;  // the literal arguments (without a trailing `*`)
  bool prefix = false;            // the pattern ended in `*`
  std::int64_t created = 0;       // seconds since the epoch
  std::int64_t expires = 0;       // seconds since the epoch; 0 = never
  std::string note;

  // True when the entry has an expiry time at or before `now`.
  bool expired(std::time_t now) const { return expires != 0 && expires <= now; }
};

// Split `text` into literal words, the way /bin/sh would, accepting only
// plain words and '...' / "..." quoting without expansions; an Error says
// which character made it more than a plain command.
Result<std::vector<std::string>> literal_words(std::string_view text);

// Resolve `word` (argv[0]) to an absolute path: through `path_env` when it
// has no slash, against `cwd` otherwise. The directory is made canonical, the
// file name kept (multi-call binaries stay distinct). "" when not found.
std::string resolve_executable(const std::string& word, const std::string& path_env, const std::string& cwd);

// Build an entry (id and times unset) from `pattern`, resolving its first
// word with `path_env` and `cwd`; an Error explains a pattern that cannot be.
Result<TrustEntry> entry_from_pattern(std::string_view pattern, const std::string& path_env, const std::string& cwd);

// True when `entry` applies to `words` whose first word resolved to `executable`.
bool entry_matches(const TrustEntry& entry, const std::string& executable, const std::vector<std::string>& words,
                   std::time_t now);

// The trust file ($XDG_STATE_HOME/vg/trust.json) and what was read from it.
class TrustStore {
 public:
  // Return the default trust file path.
  static std::string default_path();
  // Read `path`. A missing file is an empty store. A corrupt one is moved
  // aside (never emptied) and reported in `warnings`; the store is then empty,
  // so no trust applies and vg keeps protecting. A file others can write is
  // reported and ignored.
  static TrustStore load(const std::string& path, std::vector<std::string>& warnings);

  const std::vector<TrustEntry>& entries() const { return m_entries; }
  // Return the first live entry matching `words` (argv of a plain command), or nullptr.
  const TrustEntry* match(const std::vector<std::string>& words, const std::string& path_env, const std::string& cwd,
                          std::time_t now) const;

  // Add `entry` to the file at `path` (locked read-modify-write, atomic
  // replace); gives it an id and drops expired entries. Return the stored entry.
  static Result<TrustEntry> add(const std::string& path, TrustEntry entry, std::vector<std::string>& warnings);
  // Remove the entries whose id or pattern equals `what`; return them.
  static Result<std::vector<TrustEntry>> remove(const std::string& path, const std::string& what,
                                                std::vector<std::string>& warnings);

  // Serialize the store as the trust file's JSON text.
  std::string to_json() const;
  // Parse the trust file's JSON text; an Error says where it is bad.
  static Result<TrustStore> from_json(std::string_view text);

 private:
  std::vector<TrustEntry> m_entries;
};

}  // namespace vg::router
