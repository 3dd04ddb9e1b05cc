#pragma once
// Running the start frame's command in the guest and relaying its stdio,
// resize and signal frames until it ends.

#include "guest/port.hpp"
#include "guest/protocol.hpp"

namespace vg::guest {

// Run `start`'s command (on a pty when `start.tty`) and relay frames until it
// exits and its output is drained. Return how it ended; `port_ok` false when
// the host went away.
proto::ExitStatus run_command(Port& port, const proto::Start& start, bool& port_ok);

}  // namespace vg::guest
