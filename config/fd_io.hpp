#pragma once
// Writing to file descriptors, the one way every library does it.

#include <string_view>

namespace vg {

// Write all of `data` to `fd`: retries EINTR and short writes, and on a
// non-blocking descriptor waits (poll) for room. False, with errno set, when
// the descriptor fails (EPIPE, ENOSPC, ...).
bool write_all(int fd, std::string_view data);

}  // namespace vg
