#pragma once
// Directories, links and lock files, the one way every library handles them.

#include <sys/types.h>

#include <string>

#include "config/result.hpp"

namespace vg {

// The directory part of `path` ("." when it has none, "/" for the root).
std::string parent_dir(const std::string& path);

// The target of symlink `path` ("" when it is none or cannot be read).
std::string read_link(const std::string& path);

// Create `dir` and its missing parents with `mode`; an existing directory is
// fine, an existing non-directory is an error naming it.
Result<void> make_dirs(const std::string& dir, mode_t mode = 0700);

// An exclusive flock on a lock file, released on destruction.
class FileLock {
 public:
  // Lock `lock_path` (created 0600, with its directory, when missing);
  // waits for another holder.
  static Result<FileLock> acquire(const std::string& lock_path);
  FileLock(FileLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

}  // namespace vg
