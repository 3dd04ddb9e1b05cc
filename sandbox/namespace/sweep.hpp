#pragma once
// What a killed vg left behind, removed by a later one. A vg that dies by
// SIGKILL runs no destructor: its per-run directories (cgroups
// "vg-<pid>-<n>", restricted-network socket directories "<pid>-...") stay.
// Each name starts with its creator's pid; an entry is swept only when that
// process is gone, so nothing a live vg owns is touched.

#include <sys/types.h>
#include <time.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace vg::sandbox::ns {

// Return the pid at the start of `name` after `prefix` ("vg-1234-0" with
// prefix "vg-" gives 1234), or -1 when `name` is not such an entry.
pid_t creator_pid(std::string_view name, std::string_view prefix);

// True when the process that made an entry as `pid` no later than `made`
// (CLOCK_REALTIME) has exited: no process has that pid, or the one that has
// it started after `made` (the pid was reused). A live creator, or one that
// cannot be told apart from it, is never reported gone.
bool creator_gone(pid_t pid, const timespec& made);

// The names in the directory `dir_fd` (read with getdents64 from its start,
// no second open) whose dirent type `take` accepts (DT_DIR, DT_REG, ...,
// DT_UNKNOWN when the file system does not say).
std::vector<std::string> list_entries(int dir_fd, const std::function<bool(unsigned char type)>& take);

// In the directory `dir_fd`, call `remove(dir_fd, name)` for each
// subdirectory named `prefix` + pid + "-..." whose creator is gone (its
// change time stands for `made`); `keep(name)`, when given, spares more.
// Return the names for which `remove` reported success.
std::vector<std::string> sweep_dead(int dir_fd, std::string_view prefix,
                                    const std::function<bool(int dir_fd, const std::string& name)>& remove,
                                    const std::function<bool(const std::string& name)>& keep = {});

}  // namespace vg::sandbox::ns
