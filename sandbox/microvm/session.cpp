#include "sandbox/microvm/session.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

#include "config/fd_io.hpp"
#include "sandbox/supervise.hpp"

namespace vg::sandbox::microvm {

namespace {

using Clock = std::chrono::steady_clock;

int ms_since(Clock::time_point t) {
  return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count());
}


// Puts the caller's terminal in raw mode for an interactive guest, and
// restores it however the session ends.
class RawTerminal {
 public:
  explicit RawTerminal(bool enable) {
    if (!enable || tcgetattr(0, &m_saved) != 0) return;
    termios raw = m_saved;
    cfmakeraw(&raw);
    m_active = tcsetattr(0, TCSADRAIN, &raw) == 0;
  }
  ~RawTerminal() {
    if (m_active) tcsetattr(0, TCSADRAIN, &m_saved);
  }
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

 private:
  termios m_saved{};
  bool m_active = false;
};

// SIGPIPE is ignored while the session writes to vg's stdout.
class IgnoreSigpipe {
 public:
  IgnoreSigpipe() { m_old = signal(SIGPIPE, SIG_IGN); }
  ~IgnoreSigpipe() { signal(SIGPIPE, m_old); }
  IgnoreSigpipe(const IgnoreSigpipe&) = delete;
  IgnoreSigpipe& operator=(const IgnoreSigpipe&) = delete;

 private:
  sighandler_t m_old;
};

int env_seconds(const char* name, int fallback_ms) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback_ms;
  char* end = nullptr;
  double s = std::strtod(v, &end);
  if (end == v || s <= 0) return fallback_ms;
  return static_cast<int>(s * 1000);
}

}  // namespace

SessionLimits session_limits_from_env() {
  SessionLimits l;
  l.boot_ms = env_seconds("VG_MICROVM_BOOT_TIMEOUT", l.boot_ms);
  l.hang_ms = env_seconds("VG_MICROVM_HANG_TIMEOUT", l.hang_ms);
  return l;
}

Channel::Channel(int fd) : m_fd(fd) { fcntl(m_fd, F_SETFL, fcntl(m_fd, F_GETFL) | O_NONBLOCK); }
Channel::~Channel() {
  if (m_fd >= 0) close(m_fd);
}
int Channel::release() {
  int fd = m_fd;
  m_fd = -1;
  return fd;
}
void Channel::send(proto::Type type, std::string_view payload) { m_out += proto::encode_frame(type, payload); }
bool Channel::flush() {
  while (!m_out.empty()) {
    ssize_t n = write(m_fd, m_out.data(), m_out.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return true;
    if (n <= 0) return false;
    m_out.erase(0, static_cast<std::size_t>(n));
  }
  return true;
}
bool Channel::fill() {
  char buf[65536];
  // A bounded amount per call: the caller writes out the frames before it
  // reads more, so a guest sending fast cannot grow the buffer without end.
  for (int reads = 0; reads < 16; ++reads) {
    ssize_t n = read(m_fd, buf, sizeof buf);
    if (n > 0) {
      m_decoder.feed(buf, static_cast<std::size_t>(n));
      if (static_cast<std::size_t>(n) < sizeof buf) return true;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return true;
    return false;
  }
  return true;
}

Result<proto::Hello> wait_hello(Channel& channel, Vm& vm, int timeout_ms) {
  auto start = Clock::now();
  for (;;) {
    proto::Frame f;
    auto st = channel.decoder().next(f);
    if (st == proto::Decoder::Status::corrupt) {
      return make_error(describe_failure(vm, "the guest sent a corrupt frame: " + channel.decoder().error(), 0, false));
    }
    if (st == proto::Decoder::Status::frame) {
      proto::Hello h;
      if (f.type == proto::Type::hello && proto::decode(f.payload, h)) {
        if (h.version != proto::k_version) {
          return make_error("the guest agent speaks protocol " + std::to_string(h.version) + ", vg speaks " +
                            std::to_string(proto::k_version) + " (run 'vg guest build')");
        }
        return h;
      }
      continue;
    }
    int left = timeout_ms - ms_since(start);
    int status = 0;
    if (!vm_running(vm, status)) {
      return make_error(describe_failure(vm, "the microVM stopped while booting", status, true));
    }
    if (left <= 0) {
      return make_error(describe_failure(
          vm, "the guest did not become ready within " + std::to_string(timeout_ms / 1000) + " s (hung boot)", 0, false));
    }
    pollfd p{channel.fd(), POLLIN, 0};
    int r = poll(&p, 1, std::min(left, 200));
    if (r > 0 && !channel.fill()) {
      // EOF on the socket: QEMU is going away; let vm_running tell how.
      usleep(50000);
      int s2 = 0;
      bool running = vm_running(vm, s2);
      return make_error(describe_failure(vm, "the microVM closed its control port while booting", s2, !running));
    }
  }
}

Result<SessionEnd> run_session(Channel& channel, Vm& vm, const proto::Start& start, UpperWriter& writer,
                               const SessionLimits& limits) {
  SignalGuard guard;
  // Drained in a loop below: it must not block once empty.
  fcntl(guard.fd(), F_SETFL, fcntl(guard.fd(), F_GETFL) | O_NONBLOCK);
  IgnoreSigpipe ignore_sigpipe;
  RawTerminal raw(start.tty != 0);
  SessionEnd end;
  channel.send(proto::Type::start, proto::encode(start));

  bool stdin_open = fcntl(0, F_GETFL) != -1;
  if (!stdin_open) channel.send(proto::Type::stdin_eof, "");
  bool stdout_ok = true, stderr_ok = true;
  bool got_exit = false;
  bool in_file = false;
  auto started = Clock::now();
  auto last_frame = Clock::now();
  bool kill_sent = false;
  // When QEMU ended: what it had passed to the socket is still read.
  std::optional<Clock::time_point> qemu_ended;

  // Before the exit frame a failure is the session's (an Error); after it
  // the command has run and only its write set is lost: the caller reports
  // the exit status and that no change was committed.
  auto failure = [&](const std::string& what) -> Result<SessionEnd> {
    int status = 0;
    bool running = vm_running(vm, status);
    std::string described = describe_failure(vm, what, status, !running && vm.exit_status >= 0);
    if (!got_exit) return make_error(described);
    end.write_set_error = described;
    return end;
  };
  auto ended_early = [&] {
    return failure(got_exit ? "the microVM ended before sending all of the write set" : "the microVM ended unexpectedly");
  };

  for (;;) {
    if (!channel.flush()) {
      // QEMU is going away; what it passed on before is still read below.
      channel.discard_queued();
      if (!qemu_ended) qemu_ended = Clock::now();
    }
    pollfd fds[3] = {
        {channel.fd(), static_cast<short>(POLLIN | (channel.queued() ? POLLOUT : 0)), 0},
        {(stdin_open && !got_exit && channel.queued() < (1u << 20)) ? 0 : -1, POLLIN, 0},
        {guard.fd(), POLLIN, 0},
    };
    int r = poll(fds, 3, 200);
    if (r < 0 && errno != EINTR) return failure(std::string("poll: ") + std::strerror(errno));

    if (fds[2].revents & POLLIN) {
      signalfd_siginfo info{};
      while (read(guard.fd(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        int sig = static_cast<int>(info.ssi_signo);
        if (sig == SIGCHLD) continue;
        if (sig == SIGWINCH) {
          winsize ws{};
          if (start.tty && ioctl(0, TIOCGWINSZ, &ws) == 0) {
            channel.send(proto::Type::resize, proto::encode(proto::Resize{ws.ws_row, ws.ws_col}));
          }
          continue;
        }
        // The command is not in vg's process group: every signal vg gets,
        // from the terminal or from kill(2), is passed on.
        if (!got_exit) channel.send(proto::Type::signal, proto::encode_signal(sig));
      }
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      char buf[proto::k_chunk];
      ssize_t n = read(0, buf, sizeof buf);
      if (n > 0) {
        channel.send(proto::Type::stdin_data, std::string_view(buf, static_cast<std::size_t>(n)));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        stdin_open = false;
        channel.send(proto::Type::stdin_eof, "");
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      bool alive = channel.fill();
      proto::Frame f;
      for (;;) {
        auto st = channel.decoder().next(f);
        if (st == proto::Decoder::Status::need_more) break;
        if (st == proto::Decoder::Status::corrupt) {
          return failure("the guest sent a corrupt frame: " + channel.decoder().error());
        }
        last_frame = Clock::now();
        switch (f.type) {
          case proto::Type::stdout_data:
            if (stdout_ok && !write_all(1, f.payload)) {
              // vg's stdout reader went away: the command gets SIGPIPE, as on the host.
              stdout_ok = false;
              channel.send(proto::Type::signal, proto::encode_signal(SIGPIPE));
            }
            break;
          case proto::Type::stderr_data:
            if (stderr_ok && !write_all(2, f.payload)) {
              // The same for stderr: a command writing to a closed stderr on
              // the host gets SIGPIPE too (ignoring the failure left it
              // writing forever, and vg waiting).
              stderr_ok = false;
              channel.send(proto::Type::signal, proto::encode_signal(SIGPIPE));
            }
            break;
          case proto::Type::exit:
            if (!proto::decode(f.payload, end.exit)) return failure("the guest sent a malformed exit frame");
            got_exit = true;
            break;
          case proto::Type::change: {
            proto::Change c;
            if (!got_exit || !proto::decode(f.payload, c)) return failure("the guest sent a malformed change frame");
            if (auto w = writer.begin(c); !w) return failure(w.error().message);
            in_file = c.kind == proto::Change::Kind::file && c.size > 0;
            break;
          }
          case proto::Type::change_data:
            if (!in_file) return failure("the guest sent file data outside a file");
            if (auto w = writer.data(f.payload); !w) return failure(w.error().message);
            break;
          case proto::Type::change_hole: {
            std::uint64_t length = 0;
            if (!in_file || !proto::decode_hole(f.payload, length)) return failure("the guest sent a malformed hole");
            if (auto w = writer.hole(length); !w) return failure(w.error().message);
            break;
          }
          case proto::Type::unsent: {
            proto::Unsent u;
            if (!got_exit || !proto::decode(f.payload, u)) return failure("the guest sent a malformed unsent frame");
            if (auto w = writer.unsent(u); !w) return failure(w.error().message);
            break;
          }
          case proto::Type::changes_end:
            if (!got_exit) return failure("the guest sent its write set before the exit status");
            if (auto w = writer.finish(); !w) return failure(w.error().message);
            return end;
          case proto::Type::error:
            if (got_exit) {
              end.write_set_error = f.payload;
              return end;
            }
            return failure("the guest reported: " + f.payload);
          case proto::Type::log:
            std::fprintf(stderr, "vg: microvm guest: %s\n", f.payload.c_str());
            break;
          case proto::Type::heartbeat: break;
          case proto::Type::hello:
          case proto::Type::start:
          case proto::Type::stdin_data:
          case proto::Type::stdin_eof:
          case proto::Type::resize:
          case proto::Type::signal:
          case proto::Type::net_open:
          case proto::Type::net_data:
          case proto::Type::net_close:
            return failure(std::string("the guest sent an unexpected '") + proto::type_name(f.type) + "' frame");
        }
      }
      if (!alive) {
        usleep(50000);  // let QEMU finish exiting so its status is known
        return ended_early();
      }
    }
    // QEMU may end with frames still in the socket: they are read (the poll
    // above sees them, then EOF) before its end counts, for at most 2 s.
    int status = 0;
    if (!qemu_ended && !vm_running(vm, status)) qemu_ended = Clock::now();
    if (qemu_ended && Clock::now() - *qemu_ended > std::chrono::seconds(2)) return ended_early();
    int silent = ms_since(last_frame);
    if (silent > (got_exit ? limits.write_set_ms : limits.hang_ms)) {
      return failure("the guest stopped responding (nothing for " + std::to_string(silent / 1000) + " s; hung)");
    }
    if (limits.run_ms && !got_exit && !kill_sent && static_cast<std::uint64_t>(ms_since(started)) > limits.run_ms) {
      channel.send(proto::Type::signal, proto::encode_signal(SIGKILL));
      end.timed_out = true;
      kill_sent = true;
    }
  }
}

}  // namespace vg::sandbox::microvm
