#pragma once
// Programs that run another program by name: `npx jest`, `uv run pytest`,
// `python -m pip install x`, `bundle exec rake`, `cross-env A=1 node x`.
// The reader unwraps them like wrappers; the program they run is a command
// of its own, with its own effects and rules.

#include <cstddef>
#include <string>
#include <vector>

namespace vg::risk {

// The index in `argv` where the program `argv[0]` runs starts (after the
// runner's own options and verb), or 0 when `argv` runs no other program.
std::size_t runs_program_at(const std::vector<std::string>& argv);

}  // namespace vg::risk
