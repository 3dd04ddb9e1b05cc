#pragma once
// What of the caller's stdin, stdout and stderr may cross into a sandbox.
//
// A descriptor is a capability: a sandboxed command given the caller's
// `< file` could reopen it for writing through /proc/self/fd/0, and one
// given a directory could walk the host tree from it (openat, "fd/0/..").
// So only descriptors that cannot be reopened or walked into something new
// cross as they are: a terminal, an anonymous pipe, a unix socket connected
// to its peer, and the harmless character devices (/dev/null, zero, full,
// random, urandom). Any other standard descriptor (a regular file, a
// directory, a named FIFO, a block or other device, an inet or listening
// socket, which would reach the host's network whatever the network mode)
// is replaced by a pipe that vg pumps on a thread of its own, so the command
// sees the bytes and never the object.

#include <sys/types.h>

#include <array>
#include <thread>
#include <vector>

#include "config/result.hpp"

namespace vg::sandbox {

// True when `fd` may be handed to a sandboxed command as it is.
bool may_cross_as_is(int fd);

class StdioRelay {
 public:
  StdioRelay() = default;
  ~StdioRelay();
  StdioRelay(const StdioRelay&) = delete;
  StdioRelay& operator=(const StdioRelay&) = delete;

  // Decide for fds 0, 1 and 2 and make a pipe for each that may not cross.
  Result<void> prepare();
  // The descriptor the sandbox must install as fd `n` (0..2) instead of the
  // caller's, or -1 when the caller's crosses as it is.
  int child_end(int n) const { return m_child[static_cast<size_t>(n)]; }
  bool active() const;
  // The sandbox runs as host `uid`/`gid` (vg is root): give it the pipes it
  // gets as 0, 1 and 2 (the relay's and the caller's anonymous ones), so
  // that /dev/stdin, /dev/stdout and /dev/stderr can be reopened inside as
  // on the host. A terminal stays its owner's.
  void lend_pipes_to(uid_t uid, gid_t gid) const;
  // After the sandbox was cloned: close the child's ends here and start
  // pumping.
  void start();
  // After the sandbox's last process ended: copy what is still buffered in
  // the output pipes, stop feeding stdin, join the threads; and give the
  // caller's descriptors that crossed back their file status flags (a
  // command that set O_NONBLOCK on a shared terminal or pipe left the
  // caller's next program failing with EAGAIN).
  void finish();

 private:
  std::array<int, 3> m_child{-1, -1, -1};  // the sandbox's ends
  std::array<int, 3> m_ours{-1, -1, -1};   // vg's ends, until start() hands each to its thread
  int m_stop = -1;                          // an eventfd: the run is over
  std::array<int, 3> m_flags{-1, -1, -1};   // F_GETFL of the caller's 0..2 that cross as they are
  std::vector<std::thread> m_threads;
};

}  // namespace vg::sandbox
