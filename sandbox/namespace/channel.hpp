#pragma once
// The setup channel between vg and the sandbox's init: one SOCK_SEQPACKET
// socket pair, one message per packet, the first byte saying what it is.
// Every message either side sends is listed here, with its direction and
// what follows the first byte.

namespace vg::sandbox::ns {

// init -> vg: set up; followed by the coarse time the command may start at
// (a timespec, the conflict clock), with the upper-directory mount fd.
inline constexpr char k_msg_ready = 'R';
// init -> vg: a step failed; the text follows.
inline constexpr char k_msg_error = 'E';
// vg -> init (before setup): ids mapped, limits joined; go on.
inline constexpr char k_msg_go = 'G';
// the command's process -> vg: carries the trace listener fd.
inline constexpr char k_msg_traced = 'T';
// the command's process -> vg: tracing failed; the text says why.
inline constexpr char k_msg_untraced = 'U';
// vg -> init (after ready, only when the terminal is handed over): the
// sandbox's process group is the terminal's foreground now; start the command.
inline constexpr char k_msg_foreground = 'F';
// vg -> init: the time limit is reached; SIGTERM every process.
inline constexpr char k_msg_terminate = 'K';
// init -> vg: the command stopped (job control); every process of the
// sandbox is stopped too. vg stops its own job in turn.
inline constexpr char k_msg_stopped = 'S';
// vg -> init: vg's job was continued; SIGCONT every process.
inline constexpr char k_msg_continue = 'C';
// init -> vg: the command ended and every other process of the sandbox is
// dead and reaped; its exit code follows (an int). The kernel's teardown of
// the namespaces then goes on without vg waiting for it.
inline constexpr char k_msg_exited = 'X';

// Exit code of the child when setup failed (vg reports the message).
inline constexpr int k_setup_failed = 125;

}  // namespace vg::sandbox::ns
