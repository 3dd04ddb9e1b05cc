#include "cache/recorder.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "config/fd_io.hpp"

namespace vg::cache {

void Recorder::append(Stream stream, const char* data, std::size_t n) {
  if (n == 0) return;
  std::lock_guard lock(m_mutex);
  if (m_overflow) return;
  if (m_data.size() + n > m_limit) {
    m_overflow = true;
    m_data.clear();
    m_segments.clear();
    return;
  }
  m_data.append(data, n);
  if (!m_segments.empty() && m_segments.back().stream == stream) {
    m_segments.back().size += n;
  } else {
    m_segments.push_back({stream, n});
  }
}

bool Recorder::overflowed() const {
  std::lock_guard lock(m_mutex);
  return m_overflow;
}

Transcript Recorder::finish(Blobs& blobs) const {
  std::lock_guard lock(m_mutex);
  Transcript t;
  t.segments = m_segments;
  t.data = make_content(m_data, blobs);
  return t;
}

std::string Recorder::stream_bytes(Stream stream) const {
  std::lock_guard lock(m_mutex);
  std::string out;
  std::size_t off = 0;
  for (const auto& s : m_segments) {
    if (s.stream == stream) out.append(m_data, off, s.size);
    off += s.size;
  }
  return out;
}

OutputTee::~OutputTee() {
  if (m_started) stop(0);
}

namespace {

// An unnamed temporary file on disk (output can be large), else in memory.
int unnamed_file() {
  for (const char* dir : {"/var/tmp", "/tmp"}) {
    int fd = ::open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
  }
  return ::memfd_create("vg-output", MFD_CLOEXEC);
}

// The (device, inode) of `fd` when it is a regular file.
bool regular_file(int fd, struct stat& st) { return ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode); }

}  // namespace

void OutputTee::hold_file_output() {
  struct stat st[2] {};
  for (int i = 0; i < 2; ++i) {
    if (!regular_file(m_saved[i], st[i])) continue;
    if (i == 1 && m_held[0] >= 0 && st[1].st_dev == st[0].st_dev && st[1].st_ino == st[0].st_ino) {
      m_held[1] = ::fcntl(m_held[0], F_DUPFD_CLOEXEC, 3);  // `> log 2>&1`: one file, one order
      m_held_shared = m_held[1] >= 0;
      continue;
    }
    m_held[i] = unnamed_file();
  }
}

void OutputTee::release_file_output() {
  char buf[1 << 16];
  for (int i = 0; i < 2; ++i) {
    if (m_held[i] < 0) continue;
    if (!(m_held_shared && i == 1) && ::lseek(m_held[i], 0, SEEK_SET) == 0) {
      for (ssize_t n; (n = ::read(m_held[i], buf, sizeof buf)) > 0;) {
        if (!write_all(m_saved[i], std::string_view(buf, std::size_t(n)))) break;
      }
    }
    ::close(m_held[i]);
    m_held[i] = -1;
  }
}

Result<void> OutputTee::start() {
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return make_error(std::string("pipe2: ") + std::strerror(errno));
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return make_error(std::string("pipe2: ") + std::strerror(errno));
  }
  if (::pipe2(m_wake, O_CLOEXEC) != 0) {
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) ::close(fd);
    return make_error(std::string("pipe2: ") + std::strerror(errno));
  }
  ::fflush(stdout);
  ::fflush(stderr);
  m_saved[0] = ::fcntl(1, F_DUPFD_CLOEXEC, 3);
  m_saved[1] = ::fcntl(2, F_DUPFD_CLOEXEC, 3);
  // dup2 clears FD_CLOEXEC on 1 and 2, so children inherit the write ends.
  ::dup2(out_pipe[1], 1);
  ::dup2(err_pipe[1], 2);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  m_read[0] = out_pipe[0];
  m_read[1] = err_pipe[0];
  hold_file_output();
  m_started = true;
  // The pump thread must not take process-directed signals: a launcher
  // waits for SIGCHLD and the forwarded signals on a signalfd, which only
  // works while every thread blocks them. Threads inherit the mask.
  sigset_t all, previous;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_BLOCK, &all, &previous);
  m_thread = std::thread([this] { pump(); });
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return {};
}

void OutputTee::pump() {
  char buf[1 << 16];
  bool open[2] = {true, true};
  bool finishing = false;
  auto deadline = std::chrono::steady_clock::time_point::max();
  while (open[0] || open[1]) {
    pollfd fds[3] = {{m_read[0], POLLIN, 0}, {m_read[1], POLLIN, 0}, {m_wake[0], POLLIN, 0}};
    for (int i = 0; i < 2; ++i)
      if (!open[i]) fds[i].fd = -1;
    if (finishing) fds[2].fd = -1;
    int timeout = -1;
    if (finishing) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        m_lingering = true;
        break;
      }
      timeout = int(left.count());
    }
    int n = ::poll(fds, 3, timeout);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    // stdout first: within one wake-up that is the likelier order.
    for (int i = 0; i < 2; ++i) {
      if (!open[i] || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t r = ::read(m_read[i], buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        open[i] = false;
        continue;
      }
      m_recorder.append(i == 0 ? Stream::out : Stream::err, buf, std::size_t(r));
      int to = m_held[i] >= 0 ? m_held[i] : m_saved[i];
      if (!write_all(to, std::string_view(buf, std::size_t(r)))) {
        // The caller's end is gone (its reader left: EPIPE; a terminal hung
        // up: EIO). Closing this pipe gives the command's next write EPIPE
        // (SIGPIPE), as on the host; the recording is cut short.
        m_cut_short = true;
        open[i] = false;
        ::close(m_read[i]);
        m_read[i] = -1;
      }
    }
    if (!finishing && (fds[2].revents & POLLIN)) {
      char grace[sizeof(int)];
      if (::read(m_wake[0], grace, sizeof grace) == ssize_t(sizeof grace)) {
        int ms;
        std::memcpy(&ms, grace, sizeof ms);
        finishing = true;
        deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
      }
    }
  }
}

void OutputTee::stop(int grace_ms) {
  if (!m_started) return;
  m_started = false;
  // Put the real fds back; this drops vg's own copies of the write ends, so
  // the pipes reach EOF once every child has exited.
  ::dup2(m_saved[0], 1);
  ::dup2(m_saved[1], 2);
  char msg[sizeof(int)];
  std::memcpy(msg, &grace_ms, sizeof msg);
  if (::write(m_wake[1], msg, sizeof msg) < 0) { /* the pump ends on EOF anyway */ }
  m_thread.join();
  release_file_output();
  for (int* fd : {&m_saved[0], &m_saved[1], &m_read[0], &m_read[1], &m_wake[0], &m_wake[1]}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
}

}  // namespace vg::cache
