#pragma once
// Small file helpers for the microVM backend.

#include <string>

#include "config/files.hpp"
#include "config/result.hpp"

namespace vg::sandbox::microvm {

// Read the whole file at `path`.
Result<std::string> read_file(const std::string& path);
// Write `data` to `path` (created or truncated) with `mode`.
Result<void> write_file(const std::string& path, const std::string& data, unsigned mode = 0644);
// SHA-256 of the file at `path`, as hex.
Result<std::string> sha256_file(const std::string& path);
// rm -rf `path` (never follows symlinks); true when it is gone.
bool remove_tree(const std::string& path);
// The last `lines` lines of the file at `path` (at most 64 KiB read).
std::string tail_lines(const std::string& path, int lines);

}  // namespace vg::sandbox::microvm
