#pragma once
// The sandbox launcher interface: every backend (namespace, microvm, mock)
// runs a Spec and reports an Outcome. The router decides; a launcher runs.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/result.hpp"
#include "sandbox/trace/tracer.hpp"

namespace vg::sandbox {

namespace proxy {
struct ConnectionEvent;  // sandbox/proxy/options.hpp
}

// One change a sandboxed run made to an overlay volume.
struct Change {
  enum class Kind { created, modified, deleted, mode_changed, symlink, renamed };
  Kind kind = Kind::created;
  std::string path;        // relative to the volume root
  std::string from;        // for renamed
  bool accepted = false;   // set by the policy engine
  std::string reason;      // why it was refused
  bool conflict = false;   // refused because the host changed it during the run
};

// What to run and how.
struct Spec {
  std::vector<std::string> argv;   // argv[0] resolved via PATH inside the sandbox
  std::vector<std::string> env;    // "K=V"
  std::string cwd;                 // host path of the working directory
  std::string workspace;           // project root, mounted overlay by default
  config::Sandbox profile;         // mounts, network, limits, user
  bool dry_run_writes = false;     // show the change set, apply nothing
  bool timing = false;             // print where the sandbox's start-up time went (stderr)
  bool trace = false;              // learn the paths the run looks at (Outcome::inputs)
  // Sees every connection of the restricted network's proxy, on its thread (may be empty).
  std::function<void(const proxy::ConnectionEvent&)> network_observer;
};

// How a run ended.
struct Outcome {
  int exit_code = 0;               // child's code, or 128+N for signal N
  bool signaled = false;
  bool timed_out = false;
  std::vector<Change> changes;     // the write set and the policy verdicts
  std::string quarantine;          // where refused changes were kept ("" if none)
  bool used_network = false;
  bool read_terminal = false;
  bool left_processes = false;
  // With Spec::trace: every host path the run looked at, with how (paths on
  // the sandbox's private file systems left out). `traced` is false when the
  // backend cannot trace or the trace is partial (`untraced_reason` says why).
  bool traced = false;
  bool read_stdin = false;  // traced: some process read, mapped or duplicated its stdin
  std::string untraced_reason;
  std::vector<std::string> executed;  // traced: base names of the programs run
  std::vector<std::string> stated;    // traced: the inputs stat-ed by name (their times were seen), sorted
  std::string entropy;  // traced: the first source of chance or time used ("getrandom", "/dev/urandom")
  std::vector<std::pair<std::string, trace::Use>> inputs;
};

class Launcher {
 public:
  virtual ~Launcher() = default;
  // Name of the backend ("namespace", "microvm", "mock").
  virtual const char* name() const = 0;
  // Run `spec` to completion with the caller's stdio and terminal. An Error
  // means the sandbox could not start (the command did not run).
  virtual Result<Outcome> run(const Spec& spec) = 0;
};

// Create the launcher for `runtime`; an Error for an unknown or unavailable one.
Result<std::unique_ptr<Launcher>> make_launcher(const config::Config& config);

}  // namespace vg::sandbox
