#pragma once
// The plan of one sandbox: every decision (paths, mounts, ids, limits, the
// seccomp program) made in the parent, where errors can still be reported
// with context. The child only carries it out, step by step.

#include <linux/filter.h>
#include <sys/types.h>
#include <time.h>

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/result.hpp"
#include "sandbox/launcher.hpp"
#include "sandbox/proxy/loopback_forward.hpp"

namespace vg::sandbox::ns {

// One step of building the sandbox's file system; paths are absolute in the
// new root, host paths are seen under k_old_root.
struct MountOp {
  enum class Kind {
    bind_ro,         // host `source` read-only (recursive) at `target`
    bind_rw,         // host `source` read-write at `target`
    bind_dev,        // a host device node at `target` (an empty file first)
    overlay,         // lower = host `source`, upper/work = layer `layer`; layer -1: read-only
    tmpfs,           // a tmpfs with options `data`
    scratch,         // the directory `data` (tmp, shm, home) of the upper tmpfs: on the disk budget
    proc,            // the pid namespace's /proc, /proc/sys read-only
    devpts,          // a private devpts instance and /dev/ptmx
    symlink,         // `target` -> `data`
    hide_file,       // an empty read-only file over `target`
    hide_dir,        // an empty read-only directory over `target`
  };
  Kind kind = Kind::bind_ro;
  std::string source;
  std::string target;
  std::string data;
  int layer = -1;
  // vg runs as root: `source` (a bind's, an overlay's lower) comes as the
  // idmapped tree Plan::tree_fds[tree], made by the parent (idmap.hpp).
  int tree = -1;
};

// An overlay volume: committed through the policy engine after the run.
struct OverlayLayer {
  std::string host_path;     // the lower directory, where accepted writes go
  std::string sandbox_path;  // where it appears inside
  // When not empty, no write lands: each is refused with this reason and
  // kept aside (a working directory that is no workspace).
  std::string refuse_all;
};

// Limits applied by cgroups or, where none can be made, rlimits.
struct Limits {
  std::uint64_t memory = 0;
  std::uint64_t pids = 0;
  double cpu = 0;
  std::uint64_t disk = 0;
};

// Where the old root is, inside the new root, while the sandbox is built.
inline constexpr const char* k_old_root = "/.oldroot";

struct Plan {
  unsigned long clone_flags = 0;
  uid_t inner_uid = 0, outer_uid = 0;
  gid_t inner_gid = 0, outer_gid = 0;
  std::vector<MountOp> mounts;
  std::vector<OverlayLayer> layers;
  std::string cwd;
  std::string home;
  config::NetworkMode network = config::NetworkMode::none;
  Limits limits;
  bool rlimit_memory = false;  // no cgroup: fall back to RLIMIT_AS
  bool rlimit_pids = false;    // no cgroup: fall back to RLIMIT_NPROC
  std::vector<sock_filter> seccomp;
  int cap_last = 40;
  std::uint64_t kept_caps = 0;  // isolation.capabilities: bit N keeps capability N
  timespec start_after{};       // the command starts once CLOCK_REALTIME_COARSE is past this
  // vg runs as root: the sandbox's ids map to k_root_sandbox_id, not to host
  // root, so vg (the parent) writes the id maps, and the workspace and
  // volumes come as idmapped trees in which host root's files are that id's.
  bool maps_by_parent = false;
  size_t tree_count = 0;        // how many mounts have a `tree`
  std::vector<int> tree_fds;    // the idmapped trees, by MountOp::tree
  bool drop_to_root = false;     // isolation.user: root (uid 0 inside, no caps)
  bool wait_for_parent = false;  // the parent has cgroups to join before setup goes on
  // The descriptors init installs as the command's 0, 1 and 2 instead of
  // the caller's (pipes of vg's StdioRelay), -1 where the caller's cross.
  std::array<int, 3> stdio{-1, -1, -1};
  // vg has a controlling terminal: init waits for k_msg_foreground before it
  // starts the command, and reports the command's stops (job control).
  bool hand_terminal = false;
  std::vector<std::string> argv;
  std::vector<std::string> env;
  // network restricted: allow-listed loopback services the bridge listens for.
  std::vector<proxy::LoopbackForward> loopback_forwards;
  std::vector<std::string> notes;  // told to the user on stderr (fallbacks)
  std::set<std::string> hidden;    // sandbox paths a hide_* mount covers
};

// The host uid and gid a sandbox started by root runs as: an id that owns
// no host file, so the command never acts on a host inode with root's rights
// (a descriptor, a magic link, an overlay's lower layer) and reads root-only
// files only where vg lends them (the workspace, idmapped).
inline constexpr uid_t k_root_sandbox_id = 2147483646;

// Make the plan for `spec`: resolve paths, choose mounts, hide secrets,
// compile the seccomp filter. An Error names the setting or path at fault.
Result<Plan> make_plan(const Spec& spec);


// Note `begun` as a time at or after every file time given before the
// caller began (CLOCK_REALTIME read then: no file time is later than the
// real time it was taken at): every host write before it was the caller's,
// not the next sandbox's run. A command-line caller passes its own start,
// having touched no workspace since; the launcher takes the earlier of this
// and its own reading (sandbox/file_clock.hpp). Only the next launch uses it.
void note_run_begun(const timespec& begun);

// The conflict clock's start for a launch whose own reading is `now`: the
// noted time when one was noted and is not later, else `now`. Clears the note.
timespec take_run_begun(const timespec& now);

}  // namespace vg::sandbox::ns
