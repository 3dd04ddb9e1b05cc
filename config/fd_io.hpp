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

// Receive one message of at most `size` bytes on the unix socket `sock`
// into `buf`, with the descriptors attached to it (close-on-exec): the
// first `max_fds` go to `fds`, any more are closed, and `nfds` says how many
// came. Retries EINTR; `flags` are recvmsg's (MSG_DONTWAIT). Returns the
// byte count (0 at end of stream) or -1 with errno set.
long recv_with_fds(int sock, char* buf, std::size_t size, int* fds, std::size_t max_fds, std::size_t& nfds,
                   int flags = 0);

}  // namespace vg
