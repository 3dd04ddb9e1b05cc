#pragma once
// The workspace and volumes of a sandbox that root started. Such a sandbox
// runs as k_root_sandbox_id (plan.hpp), an id that owns no host file, so
// that the command never acts on a host inode with root's rights. Root's
// project files must still be the command's to read and change (through the
// overlay): so the workspace and volumes are bind-mounted *idmapped*, host
// uid/gid 0 appearing as the sandbox's id. Idmapped mounts need
// CAP_SYS_ADMIN in the host's user namespace, so vg makes them (detached,
// from open_tree) before the clone, through a throwaway user namespace with
// that mapping; the sandbox inherits their fds and attaches them.

#include <string>
#include <vector>

#include "sandbox/namespace/plan.hpp"

namespace vg::sandbox::ns {

// Return a new user namespace (an fd) that maps inner uid/gid 0 to host
// `uid`/`gid`, made by a short-lived vfork-style helper; -1 with `why` set
// on failure.
int make_idmap_userns(uid_t uid, gid_t gid, std::string& why);

// Make one detached, idmapped copy of the host source of each mount of
// `plan` that has a `tree`, in tree order, idmapped through `userns_fd`
// (read-only but for a read-write volume). On any failure return no fds and
// say why in `why`: the sandbox then does not start.
std::vector<int> make_idmapped_trees(const Plan& plan, int userns_fd, std::string& why);

}  // namespace vg::sandbox::ns
