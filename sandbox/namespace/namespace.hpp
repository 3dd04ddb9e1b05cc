#pragma once
// The `namespace` sandbox backend: Linux user, mount, pid, net, uts and ipc
// namespaces set up by vg itself (no helper program), an overlay over the
// workspace whose writes go through the policy engine, cgroup limits, no
// capabilities, no_new_privs and a seccomp filter.

#include <memory>

#include "config/config.hpp"
#include "sandbox/launcher.hpp"

namespace vg::sandbox {

// Create the namespace launcher for `config` (its `sandbox` block is the
// default profile; Spec::profile of each run is what is applied).
std::unique_ptr<Launcher> make_namespace_launcher(const config::Config& config);

}  // namespace vg::sandbox
