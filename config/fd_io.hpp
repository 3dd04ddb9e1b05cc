#pragma once
// Writing to file descriptors, the one way every library does it.

#include <cstddef>
#include <string_view>

namespace vg {

// Write all of `data` to `fd`: retries EINTR and short writes, and on a
// non-blocking descriptor waits (poll) for room. False, with errno set, when
// the descriptor fails (EPIPE, ENOSPC, ...).
bool write_all(int fd, std::string_view data);

// Send `data` in one message on the unix socket `sock`, with the `nfds`
// descriptors at `fds` attached (SCM_RIGHTS; none when `nfds` is 0). Retries
// EINTR, never raises SIGPIPE, allocates nothing (safe between clone and
// exec). False, with errno set (EIO for a short send, EINVAL for more than
// k_max_sent_fds descriptors), unless all of `data` went.
inline constexpr std::size_t k_max_sent_fds = 4;
bool send_with_fds(int sock, std::string_view data, const int* fds = nullptr, std::size_t nfds = 0);

}  // namespace vg
