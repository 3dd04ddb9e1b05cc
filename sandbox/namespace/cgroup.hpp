#pragma once
// Resource limits for the whole sandbox, through cgroups. cgroup v2: under
// vg's own cgroup when it hands the controllers down, else under the top of
// the subtree delegated to the caller (systemd's user@UID.service for an
// ordinary user; the root cgroup for root), in a "vg" cgroup made there.
// cgroup v1: the memory, pids and cpu controllers under vg's own cgroups.
// Where no cgroup can be made the launcher falls back to rlimits; a note
// names each limit that then no longer holds for the sandbox as a whole.
//
// Each run's cgroup is named "vg-<pid>-<n>"; creating one first removes
// those a killed vg left in the same directory (sweep.hpp).

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "sandbox/namespace/plan.hpp"

namespace vg::sandbox::ns {

// Where cgroups are looked for: the real system by default; tests give a
// directory tree laid out like one.
struct CgroupSystem {
  enum class Version { detect, v1, v2 };
  std::string root = "/sys/fs/cgroup";
  Version version = Version::detect;  // detect: v2 when `root` is a cgroup2 mount
  std::string self;                   // the text of /proc/self/cgroup; empty: read it
  // -1: what access(2) allows the caller. Else a file counts as writable when
  // `uid` owns it with the owner's write bit, as delegation leaves it (tests).
  uid_t uid = static_cast<uid_t>(-1);
};

// Where a run's cgroup goes on cgroup v2.
struct V2Parent {
  std::string dir;          // vg's own cgroup, or "<top>/vg" under the top of a delegated subtree
  bool shared = false;      // `dir` is "<top>/vg": made, and its controllers enabled, on first use
  std::string controllers;  // the wanted controllers a cgroup made in `dir` can have
  std::string why;          // why a wanted controller is missing ("" when none is)
};

// Decide where a run's cgroup with the `wanted` controllers goes, from what
// `system` shows (`self_cgroup`: this process's v2 cgroup path, "" for the
// root); reads only.
V2Parent choose_v2_parent(const CgroupSystem& system, const std::string& self_cgroup,
                          const std::vector<std::string>& wanted);

class Cgroup {
 public:
  Cgroup() = default;
  // Use `system` instead of the real cgroup file system.
  explicit Cgroup(CgroupSystem system) : m_system(std::move(system)) {}
  ~Cgroup();
  Cgroup(const Cgroup&) = delete;
  Cgroup& operator=(const Cgroup&) = delete;

  // Create cgroups for `limits` named `tag` ("vg-<pid>-<n>"). Sets
  // `memory_ok` and `pids_ok` for the limits a cgroup will enforce; adds a
  // note to `notes` for each limit left to a weaker fallback.
  void create(const Limits& limits, const std::string& tag, bool& memory_ok, bool& pids_ok,
              std::vector<std::string>& notes);
  // Move `pid` into every cgroup made. An empty string on success, else why.
  std::string add(pid_t pid);
  // True when at least one cgroup was made (the child must be moved into it).
  bool active() const { return !m_dirs.empty(); }
  // True when the memory limit was hit (an OOM kill happened).
  bool oom_killed() const;
  // Return the limits of the last create() that hold only per process or
  // not at all, as one line ("resources.memory (<why>), resources.cpu
  // (<why>)"), or "" when every limit asked for holds for the whole sandbox.
  const std::string& unenforced() const { return m_unenforced; }
  // Return the cgroup directories made (one on v2, one per controller on v1).
  const std::vector<std::string>& dirs() const { return m_dirs; }

 private:
  bool is_v2();
  std::string own_cgroup(const std::string& controller);
  std::string make_dir(const std::string& parent, const std::string& tag, std::string& why);
  std::string make_v1(const std::string& controller, const std::string& tag, std::string& why);
  std::string make_v2(const std::vector<std::string>& wanted, const std::string& tag, V2Parent& parent);

  CgroupSystem m_system;
  std::string m_self;                // /proc/self/cgroup, read once
  std::vector<std::string> m_dirs;   // the run's cgroups
  std::string m_shared;              // the shared "vg" cgroup used on v2, removed when empty
  std::string m_memory_dir;
  std::string m_unenforced;
  bool m_v2 = false;
};

}  // namespace vg::sandbox::ns
