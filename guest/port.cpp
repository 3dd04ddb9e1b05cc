#include "guest/port.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace vg::guest {

bool Port::send(proto::Type type, std::string_view payload) {
  std::string frame = proto::encode_frame(type, payload);
  std::size_t done = 0;
  while (done < frame.size()) {
    ssize_t n = write(m_fd, frame.data() + done, frame.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      pollfd p{m_fd, POLLOUT, 0};
      poll(&p, 1, 1000);
      continue;
    }
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool Port::fill() {
  char buf[65536];
  ssize_t n = read(m_fd, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) return false;
  m_decoder.feed(buf, static_cast<std::size_t>(n));
  return true;
}

bool Port::wait_frame(proto::Frame& out, int timeout_ms) {
  for (;;) {
    switch (m_decoder.next(out)) {
      case proto::Decoder::Status::frame: return true;
      case proto::Decoder::Status::corrupt: m_error = m_decoder.error(); return false;
      case proto::Decoder::Status::need_more: break;
    }
    pollfd p{m_fd, POLLIN, 0};
    int r = poll(&p, 1, timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) {
      m_error = "timed out waiting for the host";
      return false;
    }
    // A virtio port reports POLLHUP while the host side is not connected;
    // that is a wait, not an end.
    if (!(p.revents & POLLIN)) {
      usleep(10000);
      continue;
    }
    if (!fill()) {
      m_error = "the host closed the port";
      return false;
    }
  }
}

void Port::wait_host_gone() {
  char buf[4096];
  for (;;) {
    pollfd p{m_fd, POLLIN, 0};
    int r = poll(&p, 1, -1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 || (p.revents & (POLLHUP | POLLERR | POLLNVAL))) return;
    ssize_t n = read(m_fd, buf, sizeof buf);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) return;
  }
}

}  // namespace vg::guest
