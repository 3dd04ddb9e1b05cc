#pragma once
// Traced inputs, ccache-manifest style: when the sandbox learnt which paths
// a run looked at (sandbox/trace), the run is keyed on the state of those
// paths instead of on the whole workspace, so an edit to a file it never
// read is still a hit.
//
// An entry of a traced run is stored under
//     key = command key (first 32 hex digits) + digest of its inputs (32)
// where the command key digests every ingredient except the input tree. A
// lookup reads every entry under the command key and replays the newest
// whose inputs all still have their recorded state; no workspace scan.
//
// The state of a path, by how the run used it:
//   read         file: "f" + permission bits + ":" + content digest;
//                directory: "d" + permission bits + ":" + digest of its names
//   probed       file: as read; directory: "d" + permission bits; anything else: its kind
//   probed_link  as probed, but a final symlink is not followed ("L")
//   stated...    (stat-ed by name) as the use without the stat, and a file's
//                "@" + mtime + "." + uid + "." + gid before the ":"
//                (ls -l, make, find -newer see them). Not a directory's
//                times: every file made in it changes them.
//   written      (truncated before use) "w" for absent; "w" + permission
//                bits for a file (the mode it keeps); else its kind
// Every symlink on the way is part of the state ("l:PATH=TARGET;"), and a
// missing path is "-": a file appearing where the run looked is a miss.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "cache/stat_cache.hpp"
#include "cache/tree.hpp"
#include "config/result.hpp"

namespace vg::cache {

class Writer;
class Reader;
struct Ingredients;

// How a run used a path (the values of sandbox::trace::Use).
enum class InputUse : std::uint8_t {
  written = 1,
  probed = 2,
  probed_link = 3,
  read = 4,
  stated = 5,       // probed, and stat-ed by name
  stated_link = 6,  // probed_link, and stat-ed by name
  read_stated = 7,  // read, and stat-ed by name
};

// `used` with the use of each path in `stated` (sorted) made its stat-ed
// form (probed -> stated, probed_link -> stated_link, read -> read_stated).
std::vector<std::pair<std::string, InputUse>> with_stats(std::vector<std::pair<std::string, InputUse>> used,
                                                         const std::vector<std::string>& stated);

// The use without its stat (stated -> probed...).
InputUse plain_use(InputUse use);
// True when `use` includes a stat by name: a file's times are in its state.
bool stat_seen(InputUse use);
// The name `vg cache show` gives `use`.
const char* use_name(InputUse use);

// One traced input: an absolute host path, its use and its state before the run.
struct TracedInput {
  std::string path;
  InputUse use = InputUse::read;
  std::string state;
  // For a file keyed by content: its stat cache record when the state was
  // taken, so a lookup need not load the workspace's records to trust it.
  bool has_record = false;
  StatRecord record;
  bool operator==(const TracedInput& o) const { return path == o.path && use == o.use && state == o.state; }
};

// Where the workspace is, for the states of paths inside it.
struct InputScope {
  std::string workspace;              // absolute project root
  std::vector<std::string> excludes;  // hidden in the sandbox: not in a directory's names
};

// Work out states, remembering those already worked out.
class InputStates {
 public:
  InputStates(const InputScope& scope, StatCache& stats) : m_scope(scope), m_stats(stats) {}
  // The state of `path` as the host shows it now.
  std::string now(const std::string& path, InputUse use);

 private:
  std::string final_state(const std::string& path, InputUse use);
  std::string listing(const std::string& path);
  const InputScope& m_scope;
  StatCache& m_stats;
  std::map<std::pair<std::string, InputUse>, std::string> m_memo;
  int m_depth = 0;  // links followed into links (a loop ends it)
};

// True when workspace-relative `path` is one of `changes`, lies beneath
// one, or is a parent of one ("" is the workspace, parent of all).
bool related_to_change(const std::string& path, const std::vector<std::string>& changes);

// Modification times (ns) of files before a run, by absolute path.
using BeforeTimes = std::map<std::string, std::int64_t>;

// The times before the run of the workspace files `changed` (relative),
// from the records `stats` took when the workspace was scanned.
BeforeTimes times_before_run(const std::string& workspace, const std::vector<std::string>& changed,
                             const StatCache& stats);

// The states before the run of `used` (host paths with their use), for a
// finished run whose workspace was `before` and which changed `changed`
// (workspace-relative): paths the run changed take their state from
// `before` (and `times_before`), all others from the host now. An Error
// when a state cannot be told (a changed path behind a symlink): then the
// run is not keyed on what it used.
Result<std::vector<TracedInput>> states_before(const std::vector<std::pair<std::string, InputUse>>& used,
                                               const InputScope& scope, const Tree& before,
                                               const std::vector<std::string>& changed, StatCache& stats,
                                               const BeforeTimes& times_before = {});

// The first of `used` that is not one of `changed` (workspace-relative, the
// run's own accepted changes) and whose inode changed after `started_ns`
// (the latest file time given before the run, config/file_clock.hpp):
// edited while the run went on, perhaps and back
// again (A, B, A), so its state now is not what the run read. "" when none.
std::string changed_during_run(const std::vector<std::pair<std::string, InputUse>>& used, const InputScope& scope,
                               const std::vector<std::string>& changed, std::int64_t started_ns);

// Offer the stat records carried by `inputs` to `stats` (cache/stat_cache.hpp).
void remember_records(const std::vector<TracedInput>& inputs, StatCache& stats);

// True when every input still has its recorded state; `first_difference`
// names the first that does not (for `vg cache why`).
bool inputs_unchanged(const std::vector<TracedInput>& inputs, InputStates& states,
                      std::string* first_difference = nullptr);

// The digest of a list of traced inputs.
std::string inputs_digest(const std::vector<TracedInput>& inputs);

// The 32-digit prefix shared by every traced entry of one command.
std::string command_prefix(const Ingredients& ingredients);

// The key of a traced entry.
std::string traced_key(const Ingredients& ingredients, const std::vector<TracedInput>& inputs);

// The id `vg cache ls` shows for `key`: its first 12 digits, or for a
// traced entry 6 of the command prefix, '-' and 6 of the inputs' digest
// (entries of one command share the whole prefix).
std::string short_id(const std::string& key, bool traced);
// True when `id` names `key`: a prefix of it, or of its short traced id.
bool id_matches(const std::string& key, bool traced, const std::string& id);

void encode_inputs(Writer& w, const std::vector<TracedInput>& inputs);
bool decode_inputs(Reader& r, std::vector<TracedInput>& inputs);

}  // namespace vg::cache
