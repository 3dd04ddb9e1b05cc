#pragma once
// The guest end of the framed protocol on the virtio-serial port.

#include <string>
#include <string_view>

#include "guest/protocol.hpp"

namespace vg::guest {

class Port {
 public:
  explicit Port(int fd) : m_fd(fd) {}
  int fd() const { return m_fd; }
  // Send one frame; false when the port is gone.
  bool send(proto::Type type, std::string_view payload);
  // Read what is available (the fd is readable) into the decoder; false on
  // EOF or error.
  bool fill();
  // Pop the next whole frame; `corrupt` means the stream must be abandoned.
  proto::Decoder::Status next(proto::Frame& out) { return m_decoder.next(out); }
  // Block up to `timeout_ms` (-1 = forever) for the next frame; false on EOF,
  // timeout or a corrupt stream (then error() says why).
  bool wait_frame(proto::Frame& out, int timeout_ms);
  // Discard what the host sends until it disconnects (POLLHUP, EOF or an
  // error on the port); the host ending the VM ends this wait too.
  void wait_host_gone();
  const std::string& error() const { return m_error; }

 private:
  int m_fd;
  proto::Decoder m_decoder;
  std::string m_error;
};

}  // namespace vg::guest
