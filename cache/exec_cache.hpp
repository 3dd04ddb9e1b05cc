#pragma once
// The result cache around one `vg exec` on the sandbox route, independent
// of the sandbox: the caller says how to run the command and what the run
// reported; this class computes the key, replays a hit, or records a miss
// (output teed, workspace diffed before/after) and stores it when the
// strategy allows.
//
//   cache::ExecCache cache(options, request);
//   if (auto code = cache.try_replay()) return *code;         // hit
//   int code = cache.run_and_store([&] { return run_it(); });  // miss

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cache/key.hpp"
#include "cache/policy.hpp"
#include "cache/store.hpp"
#include "cache/traced.hpp"

namespace vg::cache {

// What `vg exec` knows before the run.
struct ExecRequest {
  KeyInputs key;
  config::CacheStrategy strategy = config::CacheStrategy::smart;
  bool network_possible = false;   // the profile gives the run a network
  bool writable_volumes = false;   // a volume other than the workspace is writable
};

// What the launcher reported after the run.
struct RunReport {
  bool started = true;             // false: the sandbox did not start (nothing ran)
  int exit_code = 0;
  bool signaled = false;
  bool timed_out = false;
  bool used_network = false;
  bool read_terminal = false;
  bool left_processes = false;
  bool refused_changes = false;    // the policy refused some write
  std::vector<std::string> changed_paths;  // accepted workspace changes (rename sources too)
  // Input tracing (cache/traced.hpp): every path the run used, when the
  // trace is complete; otherwise `untraced_reason` says why not.
  bool traced = false;
  bool read_stdin = false;         // traced: the run read its stdin
  std::string untraced_reason;
  std::vector<std::pair<std::string, InputUse>> inputs;
  std::vector<std::string> executed;  // traced: base names of the programs run
  std::vector<std::string> stated;    // traced: inputs stat-ed by name, sorted (with_stats)
  std::string entropy;                // traced: "getrandom", "/dev/urandom", "/proc/uptime"...
};

// The (device, inode) of stdout and stderr when they are regular files.
using OutputFiles = std::vector<std::pair<std::uint64_t, std::uint64_t>>;
OutputFiles output_files();

// Why the traced entry `entry` would not be replayed now ("" when it
// would): it is not replayable under `strategy` (policy.hpp), it read a
// file in `outputs` (`cat f >> f`: a replay would append to a file the
// stored run saw otherwise), or one of its inputs is not as it was (then
// named in `*difference`). The lookup and `vg cache why` both ask this.
std::string traced_refusal(const Entry& entry, config::CacheStrategy strategy, const OutputFiles& outputs,
                           InputStates& states, StatCache& stats, std::string* difference = nullptr);

class ExecCache {
 public:
  ExecCache(StoreOptions store, ExecRequest request);
  // Compute the key and replay a stored run; the exit code on a hit.
  std::optional<int> try_replay();
  // Run through `run` with stdout/stderr recorded; store the result when
  // cacheable. Returns the run's exit code.
  // `run` starts the command only once the coarse clock is past every file
  // time given before it was called (config/file_clock.hpp; both sandbox
  // backends do), so an input changed during the run is seen by its ctime.
  int run_and_store(const std::function<RunReport()>& run);
  // The key (empty before try_replay or when the run cannot be keyed).
  const std::string& key() const { return m_key.hex; }
  // Why the run was not stored or looked up ("" when it was).
  const std::string& skipped_reason() const { return m_reason; }
  // What made it so, when known ("date", "could not resolve /a/../b").
  const std::string& skipped_detail() const { return m_detail; }
  bool hit() const { return m_hit; }
  // True when a run would be stored if it qualifies: the caller should
  // trace it (after a missed lookup).
  bool recording() const { return m_keyed; }
  // Skip the lookup but store the new result (`--refresh`).
  void set_refresh(bool refresh) { m_refresh = refresh; }
  // Called with a phase name as each phase of a lookup ends (`--debug=stats`).
  void set_marker(std::function<void(const char*)> marker) { m_marker = std::move(marker); }

 private:
  bool prepare();
  bool key_workspace();
  std::optional<int> replay_traced();
  void skip(const std::string& reason, const std::string& detail = {});
  void fill_trace_facts(const RunReport& report, RunFacts& facts) const;
  void mark(const char* phase) {
    if (m_marker) m_marker(phase);
  }
  std::optional<int> replay(const Entry& entry);
  Result<std::vector<FileRecord>> capture_changes(const Tree& before, const Tree& after, Blobs& blobs,
                                                  const RunReport& report, RunFacts& facts);

  Store m_store;
  ExecRequest m_request;
  StatCache m_stats;
  Key m_key;
  Ingredients m_command;  // the ingredients without the input tree
  bool m_prepared = false;
  bool m_ready = false;  // prepared, and the run may be stored
  bool m_keyed = false;
  bool m_hit = false;
  bool m_refresh = false;
  std::string m_reason;
  std::string m_detail;
  OutputFiles m_output_files;
  std::int64_t m_run_started_ns = 0;  // wall clock when the recorded run started
  std::int64_t m_run_started_stamp_ns = 0;  // no file time given before the run is later, none during it earlier
  std::function<void(const char*)> m_marker;
};

}  // namespace vg::cache
