#include "sandbox/proxy/relay.hpp"

#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>

namespace vg::sandbox::proxy {

namespace {

constexpr std::size_t k_chunk = 128 * 1024;

// Write what is pending; false on a fatal error.
bool flush(Flow& flow, int dst) {
  while (flow.pending() > 0) {
    ssize_t n = ::send(dst, flow.data.data() + flow.offset, flow.pending(), MSG_NOSIGNAL);
    if (n > 0) {
      flow.offset += static_cast<std::size_t>(n);
      flow.total += static_cast<std::uint64_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;
  }
  flow.data.clear();
  flow.offset = 0;
  return true;
}

}  // namespace

short relay_events(const Flow& out, const Flow& in) {
  short ev = 0;
  if (out.wants_read()) ev |= POLLIN;
  if (in.wants_write()) ev |= POLLOUT;
  return ev;
}

bool pump(Flow& flow, int src, short src_revents, int dst, short dst_revents,
          const std::function<void(Flow&)>& on_read) {
  if (flow.wants_write() && (dst_revents & (POLLOUT | POLLERR | POLLHUP))) {
    if (!flush(flow, dst)) return false;
  }
  if (flow.wants_read() && (src_revents & (POLLIN | POLLHUP | POLLERR))) {
    flow.data.resize(k_chunk);
    flow.offset = 0;
    ssize_t n = ::recv(src, flow.data.data(), k_chunk, 0);
    if (n > 0) {
      flow.data.resize(static_cast<std::size_t>(n));
    } else {
      flow.data.clear();
      if (n == 0) {
        flow.eof = true;
      } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        return false;
      }
    }
    if (on_read) on_read(flow);
    // Write at once: the sink is usually ready, and this saves a poll round.
    if (flow.wants_write() && !flush(flow, dst)) return false;
  }
  if (flow.eof && flow.pending() == 0 && !flow.shut) {
    ::shutdown(dst, SHUT_WR);
    flow.shut = true;
  }
  return true;
}

bool set_nonblocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  return flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

}  // namespace vg::sandbox::proxy
