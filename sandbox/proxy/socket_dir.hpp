#pragma once
// The private directory a restricted-network run binds its unix sockets in,
// "<runtime>/net/<pid>-<pidns>-XXXXXX" under vg's per-user runtime directory
// ($XDG_RUNTIME_DIR/vg, else /tmp/vg-<uid>: the microVM backend's too), every
// level 0700; for root "/run/vg-net/..." (0711: root's sandbox runs as
// another uid, which must pass through it). Its names are needed only until the sandbox has bind-mounted
// the sockets: a bound socket keeps working through such a mount, and through
// an O_PATH descriptor, once its name is gone, so the backend removes the
// directory then. A vg killed before that leaves it behind; the next
// restricted run removes the run directories whose creator is gone
// (sandbox/namespace/sweep.hpp). The per-user levels stay, as a runtime
// directory does: removing and making them again would double the cost of a
// run directory (~120 us on an ext4 /tmp).

#include <sys/types.h>

#include <string>

#include "config/result.hpp"
#include "sandbox/proxy/fd.hpp"

namespace vg::sandbox::proxy {

class SocketDir {
 public:
  // Make a fresh run directory under `base` ("" for <runtime>/net), first
  // removing those that dead vgs left there.
  static Result<SocketDir> make(const std::string& base = "");
  SocketDir() = default;
  SocketDir(SocketDir&& other) noexcept;
  SocketDir& operator=(SocketDir&& other) noexcept;
  SocketDir(const SocketDir&) = delete;
  SocketDir& operator=(const SocketDir&) = delete;
  // Remove the directory (when not done yet).
  ~SocketDir();

  // Return the host path of the directory ("" once removed or when empty).
  const std::string& path() const { return m_path; }
  // Give the directory and what is in it to `uid`/`gid` (the sandbox's host
  // ids, when they are not the caller's: vg as root), so that it can reach
  // the sockets; mode 0700 and 0600 stay.
  Result<void> give(uid_t uid, gid_t gid);
  // Return a path for `name` inside the directory that this process can
  // bind, chmod, connect and unlink whatever the directory's length, and
  // that never names anything else, even after remove():
  // "/proc/self/fd/N/name".
  std::string at(const std::string& name) const;
  // Remove the directory's entries and the directory. Sockets bound in it
  // keep working.
  void remove();

 private:
  std::string m_path;
  UniqueFd m_fd;  // the directory, held to the end: at() paths keep meaning it
};

}  // namespace vg::sandbox::proxy
