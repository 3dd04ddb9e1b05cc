#include "sandbox/stdio_relay.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config/fd_io.hpp"

namespace vg::sandbox {

namespace {

constexpr long k_pipefs_magic = 0x50495045;  // linux/magic.h PIPEFS_MAGIC
constexpr std::size_t k_chunk = 64 * 1024;

// /dev/null, zero, full, random, urandom: reopening them gives nothing new.
bool harmless_device(const struct stat& st) {
  if (major(st.st_rdev) != 1) return false;
  switch (minor(st.st_rdev)) {
    case 3: case 5: case 7: case 8: case 9: return true;
    default: return false;
  }
}

void close_fd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

// Wait until `fd` is ready for `events` or `stop` fires; false on stop.
bool wait_for(int fd, short events, int stop) {
  for (;;) {
    pollfd p[2] = {{fd, events, 0}, {stop, POLLIN, 0}};
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (p[1].revents) return false;
    if (p[0].revents) return true;
  }
}

// The caller's stdin -> the sandbox's pipe, until end of file, until the
// command closes its end, or until the run is over. The pipe is closed then,
// so the command sees end of file.
void feed_stdin(int src, int pipe_w, int stop) {
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{pipe_w};
  std::vector<char> buf(k_chunk);
  for (;;) {
    if (!wait_for(src, POLLIN, stop)) break;
    ssize_t n = read(src, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // end of file, or unreadable (a directory: EISDIR)
    size_t off = 0;
    while (off < static_cast<size_t>(n)) {
      ssize_t w = write(pipe_w, buf.data() + off, static_cast<size_t>(n) - off);
      if (w > 0) {
        off += static_cast<size_t>(w);
      } else if (w < 0 && errno == EAGAIN) {
        if (!wait_for(pipe_w, POLLOUT, stop)) return;
      } else if (!(w < 0 && errno == EINTR)) {
        return;  // EPIPE: nobody reads any more
      }
    }
  }
}

// The sandbox's pipe -> the caller's stdout or stderr, until every writer
// is gone, or until the run is over and the pipe is drained. The pipe is
// closed on the way out: when the caller's end stops taking bytes (its
// reader went away: EPIPE; a terminal hung up: EIO) the command's next
// write fails as it would on the host (SIGPIPE, or EPIPE where ignored)
// instead of filling the pipe and waiting forever.
void drain_output(int pipe_r, int dst, int stop) {
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{pipe_r};
  std::vector<char> buf(k_chunk);
  bool stopping = false;
  for (;;) {
    ssize_t n = read(pipe_r, buf.data(), buf.size());
    if (n > 0) {
      if (!write_all(dst, std::string_view(buf.data(), static_cast<size_t>(n)))) return;
      continue;
    }
    if (n == 0) return;
    if (errno == EINTR) continue;
    if (errno != EAGAIN || stopping) return;
    pollfd p[2] = {{pipe_r, POLLIN, 0}, {stop, POLLIN, 0}};
    if (poll(p, 2, -1) < 0 && errno != EINTR) return;
    if (p[1].revents) stopping = true;  // read what is left, then go
  }
}

// A connection-oriented unix socket already connected to its peer (a
// socketpair, as Node.js and other agents give their children): it can
// talk to that peer only. Any other socket is a way onto a network: an
// unconnected or listening inet socket reaches the host's loopback whatever
// the network mode says, and a datagram socket can connect() again, to an
// abstract name in the host's network namespace.
bool connected_unix_socket(int fd) {
  int domain = 0, type = 0, listening = 0;
  socklen_t len = sizeof domain;
  if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0 || domain != AF_UNIX) return false;
  len = sizeof type;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || (type != SOCK_STREAM && type != SOCK_SEQPACKET)) {
    return false;
  }
  len = sizeof listening;
  if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || listening) return false;
  sockaddr_storage peer{};
  len = sizeof peer;
  return getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) == 0;
}

}  // namespace

bool may_cross_as_is(int fd) {
  struct stat st{};
  if (fstat(fd, &st) != 0) return true;  // closed: nothing to pass
  if (S_ISSOCK(st.st_mode)) return connected_unix_socket(fd);
  if (S_ISFIFO(st.st_mode)) {
    struct statfs fs{};
    return fstatfs(fd, &fs) == 0 && fs.f_type == k_pipefs_magic;  // anonymous, not a named FIFO
  }
  if (S_ISCHR(st.st_mode)) return isatty(fd) || harmless_device(st);
  return false;
}

void StdioRelay::lend_pipes_to(uid_t uid, gid_t gid) const {
  for (int n = 0; n < 3; ++n) {
    int fd = m_child[static_cast<size_t>(n)] >= 0 ? m_child[static_cast<size_t>(n)] : n;
    struct stat st{};
    struct statfs fs{};
    if (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode)) continue;
    if (fstatfs(fd, &fs) != 0 || fs.f_type != k_pipefs_magic) continue;  // a named FIFO is relayed, never lent
    (void)!fchown(fd, uid, gid);
  }
}

StdioRelay::~StdioRelay() {
  finish();
  for (int& fd : m_child) close_fd(fd);
}

bool StdioRelay::active() const {
  for (int fd : m_child) {
    if (fd >= 0) return true;
  }
  return false;
}

Result<void> StdioRelay::prepare() {
  for (int n = 0; n < 3; ++n) {
    if (may_cross_as_is(n)) {
      m_flags[static_cast<size_t>(n)] = fcntl(n, F_GETFL);
      continue;
    }
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) return make_error(std::string("pipe2: ") + std::strerror(errno));
    // stdin: the sandbox reads p[0]; stdout/stderr: it writes p[1].
    m_child[static_cast<size_t>(n)] = n == 0 ? p[0] : p[1];
    m_ours[static_cast<size_t>(n)] = n == 0 ? p[1] : p[0];
    fcntl(m_ours[static_cast<size_t>(n)], F_SETFL, O_NONBLOCK);
  }
  if (active()) {
    m_stop = eventfd(0, EFD_CLOEXEC);
    if (m_stop < 0) return make_error(std::string("eventfd: ") + std::strerror(errno));
  }
  return {};
}

void StdioRelay::start() {
  for (int& fd : m_child) close_fd(fd);
  if (m_stop < 0) return;
  // A pump writing to a pipe the command closed must see EPIPE, not kill vg:
  // the threads start with SIGPIPE blocked (and every other signal, which
  // stays vg's main thread's business).
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  for (int n = 0; n < 3; ++n) {
    int ours = m_ours[static_cast<size_t>(n)];
    if (ours < 0) continue;
    m_ours[static_cast<size_t>(n)] = -1;  // the thread closes it when it is done
    if (n == 0) {
      m_threads.emplace_back(feed_stdin, 0, ours, m_stop);
    } else {
      m_threads.emplace_back(drain_output, ours, n, m_stop);
    }
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

void StdioRelay::finish() {
  for (int n = 0; n < 3; ++n) {
    int flags = m_flags[static_cast<size_t>(n)];
    if (flags >= 0 && fcntl(n, F_GETFL) != flags) fcntl(n, F_SETFL, flags);
    m_flags[static_cast<size_t>(n)] = -1;
  }
  if (m_stop >= 0) {
    std::uint64_t one = 1;
    (void)!write(m_stop, &one, sizeof one);
  }
  for (auto& t : m_threads) t.join();
  m_threads.clear();
  for (int& fd : m_ours) close_fd(fd);
  close_fd(m_stop);
}

}  // namespace vg::sandbox
