#pragma once
// The quarantine: where refused changes are kept so nothing is lost.

#include <cstdint>
#include <string>
#include <vector>

#include "config/result.hpp"
#include "sandbox/policy/write_set.hpp"

namespace vg::sandbox::policy {

// A directory under `base` named after the time and vg's pid, created on the
// first keep(). It holds each kept entry at its relative path (set-id bits
// stripped; device nodes, fifos and sockets only as their manifest line) and a
// `manifest.tsv` of verdict, kind, path and reason (path and reason escaped
// with vg::printable, so each change is one line of four fields). Regular
// files are copied with their holes.
//
// The quarantine is bounded: past `cap` bytes of disk (all runs' together),
// the oldest runs' directories are removed first, each named in a note; a
// change that still does not fit is listed in the manifest, its content not
// kept, and keep() says so.
inline constexpr std::uint64_t k_quarantine_cap = 1ull << 30;
// At most this many entries of one run are kept (each takes an inode).
inline constexpr std::size_t k_quarantine_max_entries = 10000;

class Quarantine {
 public:
  explicit Quarantine(std::string base, std::uint64_t cap = k_quarantine_cap) : m_base(std::move(base)), m_cap(cap) {}
  // Keep the upper entry of `item` with `verdict` ("refused", "conflict",
  // "dry-run") and `reason`.
  Result<void> keep(int upper_fd, const Item& item, const std::string& verdict, const std::string& reason);
  // The directory, "" when nothing was kept.
  const std::string& dir() const { return m_dir; }
  // What was removed to stay under the cap, one line each.
  const std::vector<std::string>& notes() const { return m_notes; }

 private:
  Result<void> ensure_dir();
  Result<void> copy_entry(int upper_fd, const Item& item);
  // Make room for `bytes` more; false when even removing every older run's
  // directory would not.
  bool make_room(std::uint64_t bytes);
  std::string m_base;
  std::uint64_t m_cap;
  std::string m_dir;
  bool m_measured = false;
  std::uint64_t m_used = 0;  // bytes on disk under m_base
  std::size_t m_kept = 0;    // entries of this run kept
  std::vector<std::string> m_notes;
};

}  // namespace vg::sandbox::policy
