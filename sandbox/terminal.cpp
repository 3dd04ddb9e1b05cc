#include "sandbox/terminal.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

namespace vg::sandbox {

namespace {

// tcsetpgrp from a background group raises SIGTTOU unless it is blocked.
bool set_foreground(int fd, pid_t pgid) {
  sigset_t ttou, old;
  sigemptyset(&ttou);
  sigaddset(&ttou, SIGTTOU);
  pthread_sigmask(SIG_BLOCK, &ttou, &old);
  bool ok = tcsetpgrp(fd, pgid) == 0;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return ok;
}

}  // namespace

ForegroundTerminal::ForegroundTerminal() {
  pid_t session = getsid(0);
  for (int fd = 0; fd < 3 && m_fd < 0; ++fd) {
    if (isatty(fd) && tcgetsid(fd) == session) m_fd = fd;
  }
  if (m_fd < 0) {
    // No terminal on stdio (`vg exec -- less f < x > y`), but maybe a
    // controlling one that a program opens as /dev/tty.
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return;
    m_fd = fd;
    m_owned = true;
  }
  m_saved = tcgetattr(m_fd, &m_modes) == 0 && ioctl(m_fd, TIOCGETD, &m_ldisc) == 0;
  m_have_size = ioctl(m_fd, TIOCGWINSZ, &m_size) == 0;
}

void ForegroundTerminal::restore_state() {
  // Only while vg's group holds the foreground: from the background it
  // would overwrite the modes of whatever the shell is doing now.
  if (m_fd < 0 || !m_saved || !vg_in_foreground()) return;
  sigset_t ttou, old;
  sigemptyset(&ttou);
  sigaddset(&ttou, SIGTTOU);
  pthread_sigmask(SIG_BLOCK, &ttou, &old);
  int ldisc = 0;
  if (ioctl(m_fd, TIOCGETD, &ldisc) == 0 && ldisc != m_ldisc) ioctl(m_fd, TIOCSETD, &m_ldisc);
  ioctl(m_fd, TIOCNXCL);
  tcflow(m_fd, TCOON);
  tcsetattr(m_fd, TCSANOW, &m_modes);
  winsize now{};
  if (m_have_size && ioctl(m_fd, TIOCGWINSZ, &now) == 0 &&
      (now.ws_row != m_size.ws_row || now.ws_col != m_size.ws_col)) {
    ioctl(m_fd, TIOCSWINSZ, &m_size);
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

ForegroundTerminal::~ForegroundTerminal() {
  take_back();
  if (m_owned) close(m_fd);
}

bool ForegroundTerminal::give(pid_t pgid) {
  if (m_fd < 0 || !vg_in_foreground()) return false;
  if (!set_foreground(m_fd, pgid)) return false;
  m_given = true;
  m_pgid = pgid;
  return true;
}

void ForegroundTerminal::take_back() {
  if (!m_given) return;
  m_given = false;
  // Still lent (a stop takes it back first, and `bg` does not lend it
  // again): whichever group holds it now is the sandbox's — its own, or one
  // a command made and handed it to (setpgid, tcsetpgrp) before it exited.
  set_foreground(m_fd, getpgrp());
}

bool ForegroundTerminal::vg_in_foreground() const { return m_fd >= 0 && tcgetpgrp(m_fd) == getpgrp(); }

}  // namespace vg::sandbox
