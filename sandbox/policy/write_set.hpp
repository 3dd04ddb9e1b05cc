#pragma once
// The write set: what an overlay upper directory says a run changed,
// compared with the directory it was layered on.

#include <sys/stat.h>

#include <cstdint>
#include <string>
#include <vector>

#include "config/result.hpp"
#include "sandbox/launcher.hpp"

namespace vg::sandbox::policy {

// What an upper-directory entry is.
enum class EntryType { regular, directory, symlink, whiteout, fifo, socket, device };

// One change, with what the checks and the commit need to know.
struct Item {
  Change change;
  EntryType type = EntryType::regular;
  mode_t mode = 0;               // permission and set-id bits of the new entry
  std::uint64_t size = 0;        // bytes of a regular file (st_size, holes included)
  std::uint64_t allocated = 0;   // bytes a regular file occupies in the upper dir (st_blocks * 512)
  std::uint64_t block_size = 0;  // st_blksize: the unit its allocation is rounded up to
  timespec mtime{0, 0};
  std::string link_target;       // for symlinks
  bool target_is_dir = false;    // for deletions: a whole directory tree goes
};

// Compare `upper_fd` (an overlay upper directory) with `target_fd` (the
// directory it was layered on) and list the changes, parents before
// children. Unchanged copy-ups are left out; renames are paired up.
Result<std::vector<Item>> scan_upper(int upper_fd, int target_fd);

// Return a name for `type` ("fifo", "device node", ...).
const char* to_string(EntryType type);

}  // namespace vg::sandbox::policy
