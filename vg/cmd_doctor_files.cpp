// `vg doctor` checks of vg's own directories (vg/doctor.hpp): the state
// directory (audit log, trust store, quarantine) and the cache directory
// (result cache, secret-walk index) must be writable.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "config/files.hpp"
#include "config/load.hpp"
#include "vg/doctor.hpp"

namespace vg {
namespace {

using doctor::Finding;
using doctor::Status;

// Create `dir` when missing and a file in it, then remove the file.
Finding writable(const std::string& dir, const char* what) {
  if (auto made = make_dirs(dir, 0700); !made) return {Status::fail, made.error().message, "fix the permissions, or point XDG_* elsewhere"};
  std::string probe = dir + "/.vg-doctor-" + std::to_string(::getpid());
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return {Status::fail, "open(\"" + probe + "\"): " + std::strerror(errno),
            std::string("make ") + dir + " writable for this user (it holds the " + what + ")"};
  }
  ::close(fd);
  ::unlink(probe.c_str());
  return {Status::ok, dir, ""};
}

Finding check_state(const doctor::Env&) { return writable(config::dirs().state, "audit log, trust store and quarantine"); }
Finding check_cache(const doctor::Env&) { return writable(config::dirs().cache, "result cache"); }

const doctor::CheckRegistration k_state{{"files", "state directory", 10, doctor::for_any_sandbox, check_state}};
const doctor::CheckRegistration k_cache{{"files", "cache directory", 20, nullptr, check_cache}};

}  // namespace
}  // namespace vg
