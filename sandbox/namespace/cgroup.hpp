#pragma once
// Resource limits through cgroups: v2 where this process's cgroup is
// delegated to us, v1 controllers (memory, pids, cpu) otherwise. Where
// neither works the caller falls back to rlimits.

#include <sys/types.h>

#include <string>
#include <vector>

#include "sandbox/namespace/plan.hpp"

namespace vg::sandbox::ns {

class Cgroup {
 public:
  Cgroup() = default;
  ~Cgroup();
  Cgroup(const Cgroup&) = delete;
  Cgroup& operator=(const Cgroup&) = delete;

  // Create cgroups for `limits` named after `tag`. Sets `memory_ok` and
  // `pids_ok` for the limits a cgroup will enforce; adds notes for the rest.
  void create(const Limits& limits, const std::string& tag, bool& memory_ok, bool& pids_ok,
              std::vector<std::string>& notes);
  // Move `pid` into every cgroup made. An empty string on success, else why.
  std::string add(pid_t pid);
  // True when at least one cgroup was made (the child must be moved into it).
  bool active() const { return !m_dirs.empty(); }
  // True when the memory limit was hit (an OOM kill happened).
  bool oom_killed() const;

 private:
  std::vector<std::string> m_dirs;
  std::string m_memory_dir;
  bool m_v2 = false;
};

}  // namespace vg::sandbox::ns
