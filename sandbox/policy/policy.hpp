#pragma once
// The host-side policy engine: after a sandboxed run, every change the run
// left in an overlay upper directory is checked and only then committed to
// the real directory (the workspace or an overlay volume). Refused changes
// are kept in a quarantine directory; nothing the command produced is lost.

#include <sys/types.h>

#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "config/result.hpp"
#include "sandbox/launcher.hpp"

namespace vg::sandbox::policy {

// Whether checked changes are written to the target directory.
enum class Apply { commit, dry_run };

// What the engine enforces for one volume.
struct Rules {
  // Globs (relative to the volume root) that may never be written:
  // without '/', a pattern matches a name at any depth; "**" spans directories.
  std::vector<std::string> exclude;
  // Size limits count a regular file's apparent size (st_size: a sparse
  // file costs its full size wherever it is copied without holes) or its
  // allocated blocks, whichever is larger.
  std::uint64_t max_file_size = 0;   // bytes; 0 = no limit
  std::uint64_t max_total_size = 0;  // bytes for the whole write set; 0 = no limit (resources.disk)
  // Bytes earlier volumes of the same run already counted against
  // `max_total_size` (the previous Report::total_size), when volumes share it.
  std::uint64_t total_before = 0;
  // When the run started (CLOCK_REALTIME_COARSE). A target whose ctime is at
  // or after it changed on the host during the run: a conflict, never
  // overwritten. {0,0} disables the check.
  timespec started_at{0, 0};
  // Where refused changes go; a fresh sub-directory is created under it
  // only when something is refused (or, in a dry run, changed).
  std::string quarantine_base;
  Apply apply = Apply::commit;
  // Where the volume appears inside the sandbox, to judge absolute symlink
  // targets (an absolute path under it means the same place in the volume);
  // "" = the same path as `target_root`.
  std::string sandbox_root;
  // When not empty, every change is refused with this reason (and kept in
  // the quarantine): the directory is no writable workspace.
  std::string refuse_all;
  // Refuse writes the host would run or take as configuration (protect.hpp),
  // but for the paths `allow_protected` names (sandbox.allow_protected).
  bool protect = true;
  std::vector<std::string> allow_protected;
};

// What every entry a run creates costs against `max_total_size` at least:
// a directory, a link or an empty file takes an inode and a block on the
// host, so thousands of them are not free.
inline constexpr std::uint64_t k_entry_cost = 4096;

// The outcome of committing one write set.
struct Report {
  std::vector<Change> changes;  // every change with its verdict
  std::string quarantine;       // the directory holding refused changes, "" if none
  int accepted = 0;
  int refused = 0;              // includes conflicts
  int conflicts = 0;
  std::vector<std::string> notes;  // the quarantine's housekeeping, one line each
  // Bytes counted against Rules::max_total_size, Rules::total_before included.
  std::uint64_t total_size = 0;
};

// The patterns every volume refuses and the sandbox hides: `.env*` files.
const std::vector<std::string>& builtin_secret_patterns();

// Check each change in `upper_dir` against `rules` and apply the accepted
// ones to `target_root`, each resolved beneath it at the moment of use
// (openat2, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS).
// A new or changed symlink must resolve beneath the root in the tree as it
// will be after the commit (sandbox/policy/resolve.hpp); once committed,
// each one is followed again on the real tree and removed (refused and
// quarantined) if it leads out after all. An Error means the engine could
// not run at all (unreadable directories; its message is printable as is);
// per-change problems are verdicts in the Report.
Result<Report> commit_write_set(const std::string& upper_dir, const std::string& target_root,
                                const Rules& rules);

// Render `report` for people: one line per refused or conflicting change
// (path and reason), a count, and the quarantine directory. `verbose` also
// lists accepted changes (the dry-run view). Names and reasons are escaped
// (vg::printable): a file name cannot forge or erase a line.
std::string format_report(const Report& report, bool verbose);

// Return a name for `kind` ("created", "deleted", ...).
const char* to_string(Change::Kind kind);

}  // namespace vg::sandbox::policy
