#include "guest/command.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern char** environ;

namespace vg::guest {

namespace {

using Clock = std::chrono::steady_clock;

// After the command exits, output still held by its background children is
// drained for at most this long.
constexpr auto k_drain_after_exit = std::chrono::milliseconds(300);

std::vector<char*> c_strings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

void set_nonblock(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

[[noreturn]] void exec_child(const proto::Start& start) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int s = 1; s < NSIG; ++s) signal(s, SIG_DFL);
  if (!start.cwd.empty() && chdir(start.cwd.c_str()) != 0) {
    if (chdir(start.workspace.c_str()) != 0 && chdir("/") != 0) _exit(126);
  }
  auto args = c_strings(start.argv);
  auto envp = c_strings(start.env);
  // execvp searches the PATH of `environ`, so the command's environment goes there first.
  environ = envp.data();
  execvp(args[0], args.data());
  int err = errno;
  bool missing = err == ENOENT || err == ENOTDIR;
  std::fprintf(stderr, "vg: %s: %s\n", args[0], missing ? "command not found" : std::strerror(err));
  _exit(missing ? 127 : 126);
}

struct Child {
  pid_t pid = -1;
  int in = -1;   // we write the command's stdin here (pty master when tty)
  int out = -1;  // command's stdout (pty master when tty)
  int err = -1;  // command's stderr (-1 when tty)
};

bool spawn(const proto::Start& start, Child& c, std::string& why) {
  if (start.tty) {
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
      why = std::string("posix_openpt: ") + std::strerror(errno);
      return false;
    }
    std::string slave = ptsname(master);
    winsize ws{};
    ws.ws_row = static_cast<unsigned short>(start.rows ? start.rows : 24);
    ws.ws_col = static_cast<unsigned short>(start.cols ? start.cols : 80);
    ioctl(master, TIOCSWINSZ, &ws);
    c.pid = fork();
    if (c.pid == 0) {
      setsid();
      int s = open(slave.c_str(), O_RDWR);
      if (s < 0) _exit(126);
      ioctl(s, TIOCSCTTY, 0);
      dup2(s, 0);
      dup2(s, 1);
      dup2(s, 2);
      if (s > 2) close(s);
      exec_child(start);
    }
    c.in = master;
    c.out = master;
  } else {
    int pin[2], pout[2], perr[2];
    if (pipe2(pin, O_CLOEXEC) != 0 || pipe2(pout, O_CLOEXEC) != 0 || pipe2(perr, O_CLOEXEC) != 0) {
      why = std::string("pipe2: ") + std::strerror(errno);
      return false;
    }
    c.pid = fork();
    if (c.pid == 0) {
      setsid();
      dup2(pin[0], 0);
      dup2(pout[1], 1);
      dup2(perr[1], 2);
      exec_child(start);
    }
    close(pin[0]);
    close(pout[1]);
    close(perr[1]);
    c.in = pin[1];
    c.out = pout[0];
    c.err = perr[0];
  }
  if (c.pid < 0) {
    why = std::string("fork: ") + std::strerror(errno);
    return false;
  }
  set_nonblock(c.in);
  set_nonblock(c.out);
  if (c.err >= 0) set_nonblock(c.err);
  return true;
}

}  // namespace

proto::ExitStatus run_command(Port& port, const proto::Start& start, bool& port_ok) {
  port_ok = true;
  proto::ExitStatus result;
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, nullptr);
  int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);

  Child c;
  std::string why;
  if (!spawn(start, c, why)) {
    port.send(proto::Type::stderr_data, "vg-guest: cannot start the command: " + why + "\n");
    result.code = 126;
    return result;
  }

  std::string pending_in;  // stdin bytes the command has not taken yet
  bool stdin_eof = false;
  bool exited = false;
  Clock::time_point exited_at{};
  bool out_open = true, err_open = c.err >= 0;
  char buf[proto::k_chunk];
  Clock::time_point last_heartbeat = Clock::now();

  auto pump = [&](int& fd, bool& open_flag, proto::Type type) {
    for (;;) {
      ssize_t n = read(fd, buf, sizeof buf);
      if (n > 0) {
        if (!port.send(type, std::string_view(buf, static_cast<std::size_t>(n)))) port_ok = false;
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return;
      open_flag = false;  // EOF, or EIO from a pty master whose slaves are all closed
      return;
    }
  };

  while (port_ok) {
    if (exited && ((!out_open && !err_open) || Clock::now() - exited_at > k_drain_after_exit)) break;
    std::vector<pollfd> fds;
    fds.push_back({port.fd(), POLLIN, 0});
    fds.push_back({sfd, POLLIN, 0});
    fds.push_back({out_open ? c.out : -1, POLLIN, 0});
    fds.push_back({err_open ? c.err : -1, POLLIN, 0});
    fds.push_back({(!pending_in.empty() && c.in >= 0) ? c.in : -1, POLLOUT, 0});
    int r = poll(fds.data(), fds.size(), exited ? 50 : 1000);
    if (r < 0 && errno != EINTR) break;
    if (Clock::now() - last_heartbeat >= std::chrono::seconds(1)) {
      last_heartbeat = Clock::now();
      if (!port.send(proto::Type::heartbeat, "")) port_ok = false;
    }

    if (fds[2].revents) pump(c.out, out_open, proto::Type::stdout_data);
    if (fds[3].revents) pump(c.err, err_open, proto::Type::stderr_data);
    if (fds[4].revents && c.in >= 0) {
      ssize_t n = write(c.in, pending_in.data(), pending_in.size());
      if (n > 0) pending_in.erase(0, static_cast<std::size_t>(n));
      if (n < 0 && errno == EPIPE) pending_in.clear();
    }
    if (pending_in.empty() && stdin_eof && !start.tty && c.in >= 0) {
      close(c.in);
      c.in = -1;
    }
    if (fds[1].revents) {
      signalfd_siginfo info;
      while (read(sfd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      }
    }
    // Reap everything: PID 1 inherits orphans.
    for (;;) {
      int status = 0;
      pid_t w = waitpid(-1, &status, WNOHANG);
      if (w <= 0) break;
      if (w == c.pid && !exited) {
        exited = true;
        exited_at = Clock::now();
        if (WIFSIGNALED(status)) {
          result.code = 128 + WTERMSIG(status);
          result.signaled = 1;
        } else {
          result.code = WEXITSTATUS(status);
        }
      }
    }
    if (fds[0].revents & POLLIN) {
      if (!port.fill()) {
        port_ok = false;
        break;
      }
    } else if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
      port_ok = false;  // the host side of the port was closed
      break;
    }
    // Frames may already be decoded: they can arrive with the start frame.
    {
      proto::Frame f;
      for (;;) {
        auto st = port.next(f);
        if (st == proto::Decoder::Status::need_more) break;
        if (st == proto::Decoder::Status::corrupt) {
          port.send(proto::Type::error, "corrupt frame from the host: " + port.error());
          port_ok = false;
          break;
        }
        switch (f.type) {
          case proto::Type::stdin_data:
            if (c.in >= 0 && !stdin_eof) pending_in += f.payload;
            break;
          case proto::Type::stdin_eof:
            stdin_eof = true;
            if (start.tty && c.in >= 0) pending_in += "\x04";
            break;
          case proto::Type::resize: {
            proto::Resize rs;
            if (start.tty && proto::decode(f.payload, rs)) {
              winsize ws{};
              ws.ws_row = static_cast<unsigned short>(rs.rows);
              ws.ws_col = static_cast<unsigned short>(rs.cols);
              ioctl(c.out, TIOCSWINSZ, &ws);
            }
            break;
          }
          case proto::Type::signal: {
            int sig = 0;
            if (proto::decode_signal(f.payload, sig) && !exited) kill(-c.pid, sig);
            break;
          }
          case proto::Type::hello:
          case proto::Type::start:
          case proto::Type::stdout_data:
          case proto::Type::stderr_data:
          case proto::Type::exit:
          case proto::Type::change:
          case proto::Type::change_data:
          case proto::Type::changes_end:
          case proto::Type::error:
          case proto::Type::log:
          case proto::Type::heartbeat:
          case proto::Type::net_open:
          case proto::Type::net_data:
          case proto::Type::net_close:
          case proto::Type::change_hole:
          case proto::Type::unsent:
            break;  // not meaningful from the host at this point; ignored
        }
      }
    }
  }
  if (!exited) {
    // The host went away: end the command rather than leave it running.
    kill(-c.pid, SIGKILL);
    int status = 0;
    waitpid(c.pid, &status, 0);
    result.code = 128 + SIGKILL;
    result.signaled = 1;
  }
  if (c.in >= 0 && c.in != c.out) close(c.in);
  if (c.out >= 0) close(c.out);
  if (c.err >= 0) close(c.err);
  if (sfd >= 0) close(sfd);
  return result;
}

}  // namespace vg::guest
