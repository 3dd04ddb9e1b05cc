#pragma once
// Moving bytes one way between two non-blocking sockets, with a bounded
// buffer and half-close: shared by the proxy's tunnels and the bridge.

#include <poll.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace vg::sandbox::proxy {

// One direction of a relay: bytes read from a source, waiting for a sink.
struct Flow {
  std::string data;        // bytes read and not yet written, from `offset`
  std::size_t offset = 0;
  bool eof = false;        // the source said end of stream
  bool shut = false;       // the sink was shut down for writing after eof
  std::uint64_t total = 0; // bytes written to the sink

  // Return the number of bytes waiting for the sink.
  std::size_t pending() const { return data.size() - offset; }
  // Return true when the source should be polled for reading.
  bool wants_read() const { return !eof && pending() == 0; }
  // Return true when the sink should be polled for writing.
  bool wants_write() const { return pending() > 0; }
  // Return true when this direction has finished.
  bool done() const { return shut; }
};

// Return the poll events `fd` needs as the source of `out` and the sink of `in`.
short relay_events(const Flow& out, const Flow& in);

// Move what can move from `src` to `dst` without blocking, given their poll
// results. `on_read` (may be empty) may rewrite `flow.data` after each read.
// Return false when the relay must be torn down (an error, a reset).
bool pump(Flow& flow, int src, short src_revents, int dst, short dst_revents,
          const std::function<void(Flow&)>& on_read = {});

// Set O_NONBLOCK on `fd`; return false on failure.
bool set_nonblocking(int fd);

}  // namespace vg::sandbox::proxy
