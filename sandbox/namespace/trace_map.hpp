#pragma once
// From the sandbox's view of a traced path to the host's: which host file a
// path inside the sandbox is, through the plan's mounts. Paths on the
// sandbox's own file systems (its /tmp, /proc, /dev, fresh home, hidden
// secrets) are the same in every run and are not inputs at all.

#include <string>
#include <utility>
#include <vector>

#include "sandbox/namespace/plan.hpp"
#include "sandbox/trace/tracer.hpp"

namespace vg::sandbox::ns {

// The host path `sandbox_path` shows, or "" when it lies on a file system
// private to the sandbox.
std::string host_path_of(const Plan& plan, const std::string& sandbox_path);

// The host paths of a trace, with their use, sorted; private ones dropped.
std::vector<std::pair<std::string, trace::Use>> host_inputs(const Plan& plan, const trace::Trace& trace);

// The host paths of a trace's stat-ed paths (Trace::stated), sorted; private ones dropped.
std::vector<std::string> host_stated(const Plan& plan, const trace::Trace& trace);

}  // namespace vg::sandbox::ns
