#pragma once
// The ending every sandbox backend shares once its command has ended: the
// time-limit line and exit code, the restricted network's note, and the
// commit of each overlay's writes through the policy engine, one disk budget
// across them. One copy, so the backends' endings cannot drift apart.

#include <ctime>
#include <string>
#include <vector>

#include "sandbox/launcher.hpp"

namespace vg::sandbox {

namespace proxy {
class HostNetwork;
}

// One directory of the run's writes to check and commit.
struct WriteLayer {
  std::string upper;         // the run's changes (an overlay upper directory)
  std::string host_path;     // where accepted changes land
  std::string sandbox_path;  // where the command saw `host_path`
  bool workspace = false;    // the workspace (the `exclude` globs apply)
  std::string refuse_all;    // refuse every change with this reason (no workspace)
};

// Finish `out` for a run of `spec` that started at `started` (the conflict
// clock): report a timeout (exit 124), close the network's books (`net` may
// be null), and commit each layer. A layer that cannot be checked at all is
// an error line and, when the command succeeded, exit 70; a change refused
// or in conflict (kept aside, not applied) turns a success into exit 73.
void finish_run(const Spec& spec, const std::vector<WriteLayer>& layers, const timespec& started,
                proxy::HostNetwork* net, Outcome& out);

}  // namespace vg::sandbox
