#pragma once
// The quarantine: where refused changes are kept so nothing is lost.

#include <string>

#include "config/result.hpp"
#include "sandbox/policy/write_set.hpp"

namespace vg::sandbox::policy {

// A directory under `base` named after the time and vg's pid, created on the
// first keep(). It holds each kept entry at its relative path (set-id bits
// stripped; device nodes, fifos and sockets as a `.vg-note` text file) and a
// `manifest.tsv` of verdict, kind, path and reason (path and reason escaped
// with vg::printable, so each change is one line of four fields). Regular
// files are copied with their holes.
class Quarantine {
 public:
  explicit Quarantine(std::string base) : m_base(std::move(base)) {}
  // Keep the upper entry of `item` with `verdict` ("refused", "conflict",
  // "dry-run") and `reason`.
  Result<void> keep(int upper_fd, const Item& item, const std::string& verdict, const std::string& reason);
  // The directory, "" when nothing was kept.
  const std::string& dir() const { return m_dir; }

 private:
  Result<void> ensure_dir();
  Result<void> copy_entry(int upper_fd, const Item& item);
  std::string m_base;
  std::string m_dir;
};

}  // namespace vg::sandbox::policy
