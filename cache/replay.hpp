#pragma once
// Replaying a stored run: restore the files it wrote or deleted, then print
// its stdout and stderr in their original interleaving. Files are written
// beneath the workspace only (openat2 RESOLVE_BENEATH), atomically
// (temporary file + rename), with their mode, and left alone when already
// identical.

#include <functional>
#include <string>

#include "cache/entry.hpp"
#include "config/result.hpp"

namespace vg::cache {

// Fetches blob `id` into `bytes`; false when missing.
using FetchBlob = std::function<bool(const std::string& id, std::string& bytes)>;

// What a replay did.
struct ReplayReport {
  std::size_t written = 0;    // files (re)written
  std::size_t unchanged = 0;  // files already identical
  std::size_t removed = 0;    // files deleted
};

// Check that every blob of `entry` can be fetched, before anything is
// changed, so that a damaged entry falls back to a real run.
Result<void> verify_blobs(const Entry& entry, const FetchBlob& fetch);

// Restore the files of `entry` below `workspace`.
Result<ReplayReport> restore_files(const Entry& entry, const std::string& workspace, const FetchBlob& fetch);

// Write the transcript of `entry` to `out_fd` and `err_fd`.
Result<void> replay_output(const Entry& entry, const FetchBlob& fetch, int out_fd = 1, int err_fd = 2);

}  // namespace vg::cache
