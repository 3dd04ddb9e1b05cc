#pragma once
// Root-only host files stay root-only in the sandbox. When vg runs as root,
// the command's uid maps to host uid 0, and DAC would let it read every file
// root owns (/etc/shadow, host keys). So the host's system directories are
// bind-mounted *idmapped* through the sandbox's own user namespace: files
// owned by host root appear owned by an unmapped uid, and only their
// "other" permission bits apply. Idmapped mounts need CAP_SYS_ADMIN in the
// host's user namespace, so vg makes them (detached, from open_tree) before
// the clone, through a throwaway user namespace with the sandbox's mapping;
// the sandbox inherits their fds and attaches them.

#include <string>
#include <vector>

#include "sandbox/namespace/plan.hpp"

namespace vg::sandbox::ns {

// Return a new user namespace (an fd) that maps inner uid/gid 65534 to the
// caller's `uid`/`gid`, made by a short-lived vfork-style helper; -1 with
// `why` set on failure.
int make_idmap_userns(uid_t uid, gid_t gid, std::string& why);

// Make one detached, read-only, idmapped copy of each `bind_idmapped` mount
// of `plan`, in order, idmapped through `userns_fd`. On any failure return
// no fds and say why in `why` (the child then binds them plainly).
std::vector<int> make_idmapped_trees(const Plan& plan, int userns_fd, std::string& why);

}  // namespace vg::sandbox::ns
