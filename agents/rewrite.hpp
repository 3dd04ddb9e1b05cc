#pragma once
// The command an agent's call is rewritten to, so that it runs in vg's
// sandbox: `VG exec --sandbox -- bash -c 'ORIGINAL'`.

#include <string>
#include <string_view>

namespace vg::agents {

// Return `word` as one shell word: unchanged when plain, else in single quotes.
std::string shell_quote(std::string_view word);

// Return the command line that runs `command` in vg's sandbox through the vg at `vg_path`.
std::string sandbox_command(const std::string& vg_path, const std::string& command);

// True when `text` is exactly what sandbox_command(vg_path, X) returns for
// some X (then stored in `inner` when given): a call vg already wrapped, or
// the agent running the command vg told it to.
bool is_sandbox_command(const std::string& vg_path, const std::string& text, std::string* inner = nullptr);

}  // namespace vg::agents
