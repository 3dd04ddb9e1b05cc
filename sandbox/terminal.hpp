#pragma once
// The terminal's foreground, lent to a sandbox.
//
// A sandbox is a process group of its own, so that `kill 0` or `kill -STOP 0`
// inside it reaches only its own processes, never vg or the shell that ran
// it. When vg's group holds the foreground of its controlling terminal (an
// interactive shell ran vg), the foreground is handed to the sandbox's group
// so that Ctrl-C, Ctrl-Z and full-screen programs work there as they would
// on the host, and it is taken back when the run ends or stops.

#include <sys/ioctl.h>
#include <sys/types.h>
#include <termios.h>

namespace vg::sandbox {

class ForegroundTerminal {
 public:
  // Find vg's controlling terminal (on fd 0, 1 or 2, else /dev/tty);
  // inactive when there is none.
  ForegroundTerminal();
  ~ForegroundTerminal();
  ForegroundTerminal(const ForegroundTerminal&) = delete;
  ForegroundTerminal& operator=(const ForegroundTerminal&) = delete;

  // True when vg has a controlling terminal (job control may exist).
  bool active() const { return m_fd >= 0; }
  // Make `pgid` the foreground group if vg's group holds the foreground
  // now. False when it did not.
  bool give(pid_t pgid);
  // Give the foreground back to vg's own group, if it was given away.
  void take_back();
  // Whether vg's own group is the terminal's foreground group now.
  bool vg_in_foreground() const;
  // Put the terminal back as vg lent it: its modes, line discipline, output
  // flow and exclusive mode (what a sandboxed command may have changed).
  void restore_state();

 private:
  bool m_saved = false;
  termios m_modes{};
  int m_ldisc = 0;
  bool m_have_size = false;
  winsize m_size{};
  int m_fd = -1;
  bool m_owned = false;  // m_fd was opened here (/dev/tty)
  bool m_given = false;
  pid_t m_pgid = -1;     // the group it was given to
};

}  // namespace vg::sandbox
