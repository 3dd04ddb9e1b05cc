#pragma once
// File helpers for vg's own state files: whole reads, atomic replacement,
// moving a damaged file aside. (Directories, lock files and whole writes
// are config/files.hpp and config/fd_io.hpp, shared by every library.)

#include <string>
#include <string_view>

#include "config/fd_io.hpp"
#include "config/files.hpp"
#include "config/result.hpp"

namespace vg::router {

// Read the whole file; an Error names the path. `missing` is set (and the
// result empty) when the file does not exist.
Result<std::string> read_file(const std::string& path, bool& missing);

// Replace `path` with `data` atomically: a temporary file in the same
// directory, fsync, rename, fsync of the directory. Mode 0600.
Result<void> write_file_atomic(const std::string& path, std::string_view data);

// Rename `path` to `path.corrupt-<UTC time>`; return the new name.
Result<std::string> move_aside(const std::string& path);

}  // namespace vg::router
