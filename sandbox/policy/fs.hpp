#pragma once
// Small file-system helpers for the policy engine: an owning fd, openat2
// resolution beneath a root, overlay markers, and copying between descriptors.

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "config/owned.hpp"

namespace vg::sandbox::policy {

// The engine's descriptors: the base library's owning type.
using Fd = vg::UniqueFd;

// The resolve flags every workspace lookup uses: stay beneath the root,
// never follow a symlink (upper paths never contain one), no /proc magic.
// Nor cross a mount point: the sandbox saw the directory under a mount, so
// a change there must not land in (or a deletion empty) the mounted file
// system.
inline constexpr std::uint64_t k_resolve_strict = 0x08 /*RESOLVE_BENEATH*/ | 0x04 /*RESOLVE_NO_SYMLINKS*/ |
                                                  0x02 /*RESOLVE_NO_MAGICLINKS*/ | 0x01 /*RESOLVE_NO_XDEV*/;

// Call openat2(2) on `dirfd`/`path`; returns the fd or -1 with errno set.
int openat2_raw(int dirfd, const char* path, std::uint64_t flags, std::uint64_t mode, std::uint64_t resolve);

// Open directory `rel` beneath `root_fd` (O_PATH unless `readable`), with
// k_resolve_strict; "" or "." is the root itself. -1 with errno on failure.
int open_dir_beneath(int root_fd, std::string_view rel, bool readable = false);

// Split "a/b/c" into "a/b" and "c" ("" and "c" for a top-level name).
std::pair<std::string, std::string> split_parent(std::string_view rel);

// Join two relative path parts with one '/'.
std::string join_rel(std::string_view a, std::string_view b);

// Copy regular file `in` into the empty file `out`, keeping holes: only the
// data ranges (SEEK_DATA/SEEK_HOLE) are written, then `out` is truncated to
// the size of `in`. False with errno set on error.
bool copy_file(int in, int out);

// True when the regular files `a` and `b` have the same bytes.
bool same_content(int a, int b);

// True when `st` is an overlay whiteout (a character device 0/0).
bool is_whiteout(const struct stat& st);

// True when the readable directory `dir_fd` is an opaque overlay directory
// (xattr `user.overlay.opaque` or `trusted.overlay.opaque` is "y").
bool is_opaque(int dir_fd);

// Return the target of symlink `name` in `dir_fd` ("" when it cannot be read).
std::string read_link_at(int dir_fd, const std::string& name);

// errno as text, for messages.
std::string errno_text(int err);

}  // namespace vg::sandbox::policy
