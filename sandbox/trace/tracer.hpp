#pragma once
// Input tracing: which paths a sandboxed run looked at, learnt with seccomp
// user notification (SECCOMP_RET_USER_NOTIF). Every process of the run is
// seen, static binaries too, because the kernel stops each path-taking
// system call until vg has read its arguments and answered "continue".
//
//   child:  no_new_privs; int fd = install_filter(program); send fd; exec
//   parent: Tracer t(fd); ... wait for the run ...; Trace seen = t.finish();
//
// What a trace is good for: keying a result cache on the files a run read
// (and the paths it looked for and did not find). It is not a security
// boundary: the kernel reads the path again after vg did, so a process that
// races its own memory can hide a lookup (seccomp_unotify(2), "Design
// goals; use of SECCOMP_USER_NOTIF_FLAG_CONTINUE"). Such a run can only
// poison its own cache entries, whose writes the policy engine checked.

#include <linux/filter.h>

#include <cstdint>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>

#include "config/result.hpp"

namespace vg::sandbox::trace {

// How a system call used a path, from weakest to strongest claim on its
// state before the run.
enum class Use : std::uint8_t {
  written = 1,   // opened to be truncated and written: only its kind matters
  probed = 2,    // stat, access, mkdir, unlink...: its kind (and a file's content)
  probed_link = 3,  // lstat, readlink: as probed, the last component not followed
  read = 4,      // opened to read, or executed: its content (a directory: its names)
};

// At most this many distinct paths are kept; past it the trace is partial.
inline constexpr std::size_t k_max_traced_paths = 100'000;
// At most this many distinct program names are kept in Trace::executed.
inline constexpr std::size_t k_max_executed = 4096;

// The paths a run used, as absolute paths in the sandbox's own view.
struct Trace {
  std::map<std::string, Use> paths;
  // The paths of `paths` whose times the run saw: stat-ed by name (stat,
  // lstat, fstatat, statx) or through an fd it opened them as (fstat).
  std::set<std::string> stated;
  bool read_stdin = false;  // some process read (or duplicated, or mapped) file descriptor 0
  // The base names of the programs executed (at most k_max_executed).
  std::vector<std::string> executed;
  // The first source of randomness or time seen: "getrandom", "/dev/urandom",
  // "/proc/uptime"...; "" when none.
  std::string entropy;
  bool complete = true;  // false: some lookup could not be read; the trace is partial
  std::string incomplete_reason;
  std::size_t notifications = 0;
};

// Compile the tracing filter (libseccomp): user notification on every
// path-taking call and on every call that reads, maps or duplicates file
// descriptor 0 (whether a run read its stdin), on getrandom (but glibc's
// malloc seeding: 8 bytes, GRND_NONBLOCK), ENOSYS for io_uring (whose
// opens and reads no filter sees).
Result<std::vector<sock_filter>> compile_filter();

// In the traced process, with no_new_privs set: load `program` as a filter
// with a new listener and return the listener's fd (-1 with errno on error).
// Loaded last, after any other filter: an errno from those still wins.
int install_filter(const std::vector<sock_filter>& program);

// Answers the notifications of one listener on a thread of its own.
class Tracer {
 public:
  // Take `listener` (closed by the Tracer) and start answering.
  explicit Tracer(int listener);
  ~Tracer();
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;
  // Wait until every traced process has gone (the listener hangs up), at
  // most `grace_ms` after the call, then return what was seen.
  Trace finish(int grace_ms = 2000);

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

// The merged use of a path used as `a` and then as `b`: the first use
// decides what the run depended on, except that a look (probe) followed by a
// read is a read.
Use merge_use(Use first, Use then);

}  // namespace vg::sandbox::trace
