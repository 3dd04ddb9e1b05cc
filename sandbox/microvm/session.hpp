#pragma once
// The host end of one guest session: wait for the guest's hello, send the
// start frame, relay stdin / stdout / stderr / terminal size / signals while
// the command runs, then receive its exit and its write set. Every wait has
// a timeout; a QEMU that dies or a guest that stops answering is an Error
// carrying the guest console's last lines.

#include <cstdint>
#include <string>

#include "config/result.hpp"
#include "guest/protocol.hpp"
#include "sandbox/microvm/qemu.hpp"
#include "sandbox/microvm/upper_writer.hpp"

namespace vg::sandbox::microvm {

// The timeouts of one session, in milliseconds (0 = none for run_ms).
struct SessionLimits {
  int boot_ms = 90000;       // until the guest's hello
  int hang_ms = 20000;       // silence (no frame, not even a heartbeat) while the command runs
  int write_set_ms = 60000;  // between frames of the write set
  std::uint64_t run_ms = 0;  // the command's own wall-clock limit (resources.timeout)
};

// Read the session limits from defaults and VG_MICROVM_BOOT_TIMEOUT /
// VG_MICROVM_HANG_TIMEOUT (seconds), for slow hosts and tests.
SessionLimits session_limits_from_env();

// The end of one session.
struct SessionEnd {
  proto::ExitStatus exit;
  bool timed_out = false;
  std::string write_set_error;  // the guest could not send its write set ("" = complete)
};

// A connected control socket with its decoder.
class Channel {
 public:
  explicit Channel(int fd);
  ~Channel();
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;
  int fd() const { return m_fd; }
  // Queue a frame; flush() sends what the socket takes.
  void send(proto::Type type, std::string_view payload);
  // Send queued bytes without blocking; false when the socket is broken.
  bool flush();
  std::size_t queued() const { return m_out.size(); }
  // Drop what is queued (the socket broke: nothing more can be sent).
  void discard_queued() { m_out.clear(); }
  // Read what is available; false on EOF or error.
  bool fill();
  proto::Decoder& decoder() { return m_decoder; }
  // Hand over the fd (the pool passes it to another process).
  int release();

 private:
  int m_fd;
  std::string m_out;
  proto::Decoder m_decoder;
};

// Wait up to `timeout_ms` for the guest's hello frame.
Result<proto::Hello> wait_hello(Channel& channel, Vm& vm, int timeout_ms);

// Run `start` in the guest over `channel`, with vg's stdio (and terminal
// when `start.tty`), writing the write set through `writer`.
Result<SessionEnd> run_session(Channel& channel, Vm& vm, const proto::Start& start, UpperWriter& writer,
                               const SessionLimits& limits);

}  // namespace vg::sandbox::microvm
