#pragma once
// The one table of vg's exit codes. A command's own exit code passes through
// unchanged (128+N when it was killed by signal N); vg's own outcomes use the
// reserved values below, taken from sysexits(3) so they read familiarly.
// Keep this table in sync with `vg --help` (vg/help.cpp) and the README.

namespace vg::exit_code {

inline constexpr int k_usage = 64;          // bad command line (EX_USAGE)
inline constexpr int k_sandbox_unavailable = 69;  // the chosen sandbox could not start (EX_UNAVAILABLE)
inline constexpr int k_internal = 70;       // vg itself failed (EX_SOFTWARE)
inline constexpr int k_kept_aside = 73;     // the command succeeded, but vg kept some of its writes aside (refused, or in conflict with a host change): they did not land and are in the quarantine (EX_CANTCREAT)
inline constexpr int k_refused = 77;        // refused by policy, or declined at the prompt (EX_NOPERM)
inline constexpr int k_config = 78;         // the configuration is invalid (EX_CONFIG)
inline constexpr int k_timed_out = 124;     // the sandbox's time limit (resources.timeout) ended the command, as GNU timeout
inline constexpr int k_not_executable = 126;  // the command was found but could not be executed
inline constexpr int k_not_found = 127;       // the command was not found
inline constexpr int k_signal_base = 128;     // child killed by signal N exits 128+N

}  // namespace vg::exit_code
