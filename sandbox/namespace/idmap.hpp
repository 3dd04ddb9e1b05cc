#pragma once
// Root-only host files stay root-only in the sandbox. When vg runs as root,
// the command's uid maps to host uid 0, and DAC would let it read every file
// root owns (/etc/shadow, host keys). So the host's system directories are
// bind-mounted *idmapped* through the sandbox's own user namespace: files
// owned by host root appear owned by an unmapped uid, and only their
// "other" permission bits apply. Idmapped mounts need CAP_SYS_ADMIN in the
// host's user namespace, so the parent makes them (detached, from
// open_tree) and passes their fds to the sandbox, which attaches them.

#include <string>
#include <vector>

#include "sandbox/namespace/plan.hpp"

namespace vg::sandbox::ns {

// Setup-socket messages of the exchange, in order.
inline constexpr char k_msg_userns = 'M';  // child to parent: its user namespace fd (ids mapped)
inline constexpr char k_msg_trees = 'I';   // parent to child: the idmapped trees (none: plain binds)

// Make one detached, read-only, idmapped copy of each `bind_idmapped` mount
// of `plan`, in order, idmapped through `userns_fd`. On any failure return
// no fds and say why in `why` (the child then binds them plainly).
std::vector<int> make_idmapped_trees(const Plan& plan, int userns_fd, std::string& why);

// Send `kind` with `fds` attached over `sock`. False on failure (errno set).
bool send_fds(int sock, char kind, const std::vector<int>& fds);

// Receive one message on `sock`: its kind and attached fds. An 'E' message
// (a failed step) leaves its text in `text`. False when the peer is gone.
bool receive_fds(int sock, char& kind, std::vector<int>& fds, std::string& text);

}  // namespace vg::sandbox::ns
