#pragma once
// File helpers for vg's own state files: whole writes, atomic replacement,
// advisory locks, moving a damaged file aside.

#include <string>
#include <string_view>

#include "config/fd_io.hpp"
#include "config/result.hpp"

namespace vg::router {

// (write_all lives in config/fd_io.hpp, shared by every library.)
using vg::write_all;

// Create `dir` and its missing parents with mode 0700.
Result<void> make_dirs(const std::string& dir);

// Return the directory part of `path` ("." when it has none).
std::string parent_dir(const std::string& path);

// Read the whole file; an Error names the path. `missing` is set (and the
// result empty) when the file does not exist.
Result<std::string> read_file(const std::string& path, bool& missing);

// Replace `path` with `data` atomically: a temporary file in the same
// directory, fsync, rename, fsync of the directory. Mode 0600.
Result<void> write_file_atomic(const std::string& path, std::string_view data);

// Rename `path` to `path.corrupt-<UTC time>`; return the new name.
Result<std::string> move_aside(const std::string& path);

// An exclusive flock on a lock file, released on destruction.
class FileLock {
 public:
  // Lock `lock_path` (created 0600 with its directory when missing).
  static Result<FileLock> acquire(const std::string& lock_path);
  FileLock(FileLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

}  // namespace vg::router
