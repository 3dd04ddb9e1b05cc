#include "cache/exec_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "cache/queue.hpp"
#include "cache/recorder.hpp"
#include "cache/replay.hpp"
#include "cache/scan.hpp"
#include "cache/tools.hpp"
#include "config/file_clock.hpp"
#include "config/printable.hpp"

namespace vg::cache {
namespace {

std::int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string path_var(const std::vector<std::string>& env) {
  for (const auto& kv : env) {
    if (kv.starts_with("PATH=")) return kv.substr(5);
  }
  return {};
}

}  // namespace

ExecCache::ExecCache(StoreOptions store, ExecRequest request)
    : m_store(std::move(store)), m_request(std::move(request)) {}

void ExecCache::skip(const std::string& reason, const std::string& detail) {
  if (m_reason.empty()) {
    m_reason = reason;
    m_detail = detail;
  }
  m_store.note("uncacheable." + reason);
}

namespace {

// True when `path` is one of the files in `outputs`.
bool is_output_file(const std::string& path, const OutputFiles& outputs) {
  if (outputs.empty()) return false;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  for (const auto& [dev, ino] : outputs) {
    if (st.st_dev == dev && st.st_ino == ino) return true;
  }
  return false;
}

// True when a path the run read is a file in `outputs`.
bool reads_output_file(const std::vector<TracedInput>& inputs, const OutputFiles& outputs) {
  if (outputs.empty()) return false;
  for (const auto& in : inputs) {
    if (plain_use(in.use) == InputUse::written || in.state.empty() || in.state[0] == '-') continue;
    if (is_output_file(in.path, outputs)) return true;
  }
  return false;
}

}  // namespace

namespace {

// The time of the file at `path` when the run gave it one older than the
// run itself (touch -d, cp -p, tar x), else 0. File times come from the
// kernel's coarse clock, a tick behind: a second of slack.
std::int64_t kept_time(const std::string& path, std::int64_t run_started_ns) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return 0;
  std::int64_t mtime = std::int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return mtime < run_started_ns - 1'000'000'000 ? mtime : 0;
}

}  // namespace

OutputFiles output_files() {
  OutputFiles out;
  for (int fd : {1, 2}) {
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) out.emplace_back(st.st_dev, st.st_ino);
  }
  return out;
}

std::string traced_refusal(const Entry& entry, config::CacheStrategy strategy, const OutputFiles& outputs,
                           InputStates& states, StatCache& stats, std::string* difference) {
  if (std::string no = not_replayable_reason(entry, strategy); !no.empty()) return no;
  if (reads_output_file(entry.traced, outputs)) return "it read the file the output goes to now";
  remember_records(entry.traced, stats);
  std::string diff;
  if (!inputs_unchanged(entry.traced, states, &diff)) {
    if (difference) *difference = diff;
    return diff + " is not as it was";
  }
  return {};
}

// What the trace says about chance, time and the programs run.
void ExecCache::fill_trace_facts(const RunReport& report, RunFacts& facts) const {
  facts.deterministic_tool = find_deterministic_tool(m_request.key.argv);
  if (!report.traced) {
    facts.untraced_reason = report.untraced_reason.empty() ? "the sandbox did not trace the run" : report.untraced_reason;
    return;
  }
  facts.nondeterministic = find_nondeterministic_executed(report.executed);
  if (!facts.nondeterministic.empty()) {
    facts.nondeterministic = "it ran " + facts.nondeterministic;
  } else if (report.entropy.starts_with("/")) {
    facts.nondeterministic = "it opened " + report.entropy;
  } else {
    facts.entropy = report.entropy;
  }
}

bool ExecCache::prepare() {
  // Asked again by run_and_store: the answer of the first time (with
  // --refresh no key was computed in between, and the run is still stored).
  if (m_prepared) return m_ready;
  m_prepared = true;
  m_output_files = output_files();
  // Runs that could never be stored are not looked up or recorded either,
  // so they keep their terminal on stdout and cost nothing.
  if (m_request.key.stdin_tty) {
    skip("terminal");  // it may read the terminal, and vg cannot tell whether it did
    return false;
  }
  // A pipe, socket or file on stdin is in no key, and a run can read it
  // where no tracer sees (a copy of fd 0 passed to another process over a
  // socket): such a run is never stored, nor replayed.
  if (m_request.key.stdin_data) {
    skip("stdin");
    return false;
  }
  if (m_request.writable_volumes) {
    skip("wrote_outside");
    return false;
  }
  if (m_request.network_possible && m_request.strategy != config::CacheStrategy::aggressive) {
    skip("network");
    return false;
  }
  std::string nd = find_nondeterministic(m_request.key.argv, m_request.key.programs);
  if (!nd.empty()) {
    skip("nondeterministic");
    return false;
  }
  mark("cache checks");
  // Only the records of programs (and other paths outside workspaces): a
  // traced entry carries its own, and the workspace's load only for a scan.
  m_store.load_stat_records("/", m_stats);
  auto command = command_ingredients(m_request.key, m_stats);
  mark("cache command");
  if (!command) {
    skip("inputs");
    return false;
  }
  m_command = std::move(*command);
  m_ready = true;
  return true;
}

// The whole workspace as the input (and the tree the run's changes are
// told from): scanned on two threads.
bool ExecCache::key_workspace() {
  if (m_keyed) return true;
  // The workspace's stat records load while it is scanned.
  WalkOptions walk{m_request.key.workspace, m_request.key.excludes, m_request.key.max_entries};
  StatCache loaded;
  std::thread loader = quiet_thread([this, &loaded] { m_store.load_stat_records(m_request.key.workspace, loaded); });
  auto scan = scan_tree(walk, walk.threads);
  loader.join();
  m_stats.absorb(std::move(loaded));
  mark("cache scan");
  if (!scan) {
    skip("inputs");
    return false;
  }
  // The command's ingredients are known (prepare): only the tree is digested.
  auto tree = digest_scan(walk, std::move(*scan), m_stats);
  mark("cache key");
  if (!tree) {
    skip("inputs");
    return false;
  }
  m_key = make_key(m_command, std::move(*tree));
  m_keyed = true;
  return true;
}

// A traced entry of this command whose inputs all still have their state.
std::optional<int> ExecCache::replay_traced() {
  std::string prefix = command_prefix(m_command);
  auto candidates = m_store.lookup_prefix(prefix);
  InputScope scope{m_request.key.workspace, m_request.key.excludes};
  InputStates states(scope, m_stats);
  // Every entry of the command, newest first: entries of one command share
  // most paths, whose states are worked out once (InputStates remembers).
  for (const auto& c : candidates) {
    if (c.traced.empty() || command_prefix(c.ingredients) != prefix) continue;
    if (!traced_refusal(c, m_request.strategy, m_output_files, states, m_stats).empty()) continue;
    auto entry = m_store.lookup(c.key);  // again: the queue's blobs come with it
    if (!entry) continue;
    mark("cache traced lookup");
    std::string saved = std::exchange(m_key.hex, entry->key);
    if (auto code = replay(*entry)) return code;
    m_key.hex = saved;
  }
  mark("cache traced lookup");
  return std::nullopt;
}

std::optional<int> ExecCache::try_replay() {
  if (!prepare()) return std::nullopt;
  if (m_refresh) return std::nullopt;
  if (auto code = replay_traced()) return code;
  if (!key_workspace()) {
    m_store.close_reader();
    return std::nullopt;
  }
  std::string why;
  auto entry = m_store.lookup(m_key.hex, &why);
  mark("cache lookup");
  if (!entry || !replayable(*entry, m_request.strategy)) {
    m_store.close_reader();
    return std::nullopt;
  }
  return replay(*entry);
}

std::optional<int> ExecCache::replay(const Entry& entry) {
  // Load every chunk first, so that the database is closed before the
  // (possibly slow) writes and a missing chunk leads to a real run instead.
  Blobs loaded;
  FetchBlob from_store = [this, &loaded](const std::string& id, std::string& bytes) {
    if (!m_store.fetch(id, bytes)) return false;
    loaded[id] = bytes;
    return true;
  };
  auto ok = verify_blobs(entry, from_store);
  m_store.close_reader();
  mark("cache fetch");
  if (!ok) {
    std::fprintf(stderr, "vg: warning: %s; running the command instead\n", printable(ok.error().message).c_str());
    return std::nullopt;
  }
  FetchBlob from_memory = [&loaded](const std::string& id, std::string& bytes) {
    auto it = loaded.find(id);
    if (it == loaded.end()) return false;
    bytes = it->second;
    return true;
  };
  auto restored = restore_files(entry, m_request.key.workspace, from_memory);
  if (!restored) {
    // The message names a file the cached run chose.
    std::fprintf(stderr, "vg: warning: replaying cached files failed: %s; running the command instead\n",
                 printable(restored.error().message).c_str());
    return std::nullopt;
  }
  auto printed = replay_output(entry, from_memory);
  if (!printed) std::fprintf(stderr, "vg: warning: replaying cached output: %s\n", printed.error().message.c_str());
  mark("cache replay");
  m_hit = true;
  m_store.note_hit(m_key.hex);
  bool dirty = m_stats.dirty();
  if (dirty) m_store.save_stat_cache(m_request.key.workspace, m_stats);
  m_store.settle(dirty ? Settle::now : Settle::if_long);
  mark("cache bookkeeping");
  return entry.exit_code;
}

Result<std::vector<FileRecord>> ExecCache::capture_changes(const Tree& before, const Tree& after, Blobs& blobs,
                                                           const RunReport& report, RunFacts& facts) {
  std::vector<FileRecord> writes, removes;
  const std::string& root = m_request.key.workspace;
  auto note_change = [&](const std::string& path, bool existed) {
    if (!related_to_change(path, report.changed_paths)) facts.inputs_changed = true;
    if (existed) facts.modified_inputs = true;
  };
  std::size_t i = 0, j = 0;
  while (i < before.entries.size() || j < after.entries.size()) {
    const TreeEntry* a = i < before.entries.size() ? &before.entries[i] : nullptr;
    const TreeEntry* b = j < after.entries.size() ? &after.entries[j] : nullptr;
    if (b && (!a || b->path < a->path)) {
      if (is_output_file(root + "/" + b->path, m_output_files)) {
        ++j;
        continue;
      }
      note_change(b->path, false);
    } else if (a && (!b || a->path < b->path)) {
      note_change(a->path, true);
      FileRecord r;
      r.kind = FileRecord::Kind::remove;
      r.path = a->path;
      removes.push_back(std::move(r));
      ++i;
      continue;
    } else {
      ++i;
      if (*a == *b || is_output_file(root + "/" + b->path, m_output_files)) {
        // vg's own writes (`vg exec -- make > build.log`) are the transcript,
        // replayed to stdout, not a change of the run.
        ++j;
        continue;
      }
      note_change(b->path, true);
    }
    ++j;
    FileRecord r;
    r.path = b->path;
    r.mode = b->mode;
    switch (b->kind) {
      case TreeEntry::Kind::file: {
        std::string bytes;
        if (!read_file(root + "/" + b->path, bytes) || config::sha256_hex(bytes) != b->digest) {
          facts.inputs_changed = true;  // changed again after the run
          continue;
        }
        r.kind = FileRecord::Kind::write;
        r.content = make_content(bytes, blobs);
        r.mtime_ns = kept_time(root + "/" + b->path, m_run_started_ns);
        break;
      }
      case TreeEntry::Kind::dir: r.kind = FileRecord::Kind::mkdir; break;
      case TreeEntry::Kind::symlink:
        // Where a link leads depends on the tree it lands in (links made
        // since, a directory replaced by a link): the policy engine judges
        // that at each commit, and a replay could not. Not stored.
        return make_error("the run created the link " + b->path + ", which the cache does not store");
      case TreeEntry::Kind::other:
      case TreeEntry::Kind::addressed:
        return make_error("the run created " + b->path + ", which the cache does not store");
    }
    writes.push_back(std::move(r));
  }
  // Directories before their contents; deletions deepest first, after writes.
  std::stable_sort(removes.begin(), removes.end(), [](const FileRecord& x, const FileRecord& y) { return x.path > y.path; });
  writes.insert(writes.end(), std::make_move_iterator(removes.begin()), std::make_move_iterator(removes.end()));
  return writes;
}

int ExecCache::run_and_store(const std::function<RunReport()>& run) {
  if (!prepare() || !key_workspace()) return run().exit_code;
  m_store.close_reader();
  m_store.note("misses");
  Recorder recorder;
  OutputTee tee(recorder);
  bool teeing = bool(tee.start());
  m_run_started_ns = wall_ns();
  // Every file time given so far is at or before this (config/file_clock);
  // the sandbox starts the command only once the coarse clock is past its
  // own, later reading, so a change during the run is stamped after it. The
  // fine clock would not do: the coarse stamp of a change made during the
  // run can be earlier than it.
  timespec stamp = latest_file_stamp();
  m_run_started_stamp_ns = std::int64_t(stamp.tv_sec) * 1'000'000'000 + stamp.tv_nsec;
  RunReport report = run();
  tee.stop();
  if (!report.started) return report.exit_code;
  if (!teeing) {
    skip("recording");
    return report.exit_code;
  }
  if (tee.cut_short()) {  // its output went only partly out: a replay would repeat the cut
    skip("output_cut");
    return report.exit_code;
  }

  RunFacts facts;
  facts.exit_code = report.exit_code;
  // A code above 128 is how a signal death is reported (128+N).
  facts.signaled = report.signaled || (report.exit_code > 128 && report.exit_code <= 128 + 64);
  facts.timed_out = report.timed_out;
  facts.used_network = report.used_network;
  facts.network_possible = m_request.network_possible;
  facts.read_terminal = report.read_terminal || m_request.key.stdin_tty;
  facts.left_processes = report.left_processes || tee.lingering();
  facts.wrote_outside = report.refused_changes || m_request.writable_volumes;
  facts.output_overflow = recorder.overflowed();

  // Before the walk below takes new records of them.
  BeforeTimes times_before = times_before_run(m_request.key.workspace, report.changed_paths, m_stats);
  // Inputs that changed while the command ran: the workspace is walked again
  // and every difference must be one of the run's own accepted changes.
  WalkOptions walk{m_request.key.workspace, m_request.key.excludes, m_request.key.max_entries};
  auto after = walk_tree(walk, m_stats);
  if (!after) {
    skip("input_changed");
    return report.exit_code;
  }
  std::vector<std::string> names{m_request.key.argv.front()};
  names.insert(names.end(), m_request.key.programs.begin(), m_request.key.programs.end());
  auto programs = digest_programs(names, path_var(m_request.key.env), m_request.key.cwd, m_stats);
  if (!programs || *programs != m_key.ingredients.programs) facts.inputs_changed = true;

  Blobs blobs;
  auto files = capture_changes(m_key.tree, *after, blobs, report, facts);
  if (!files) {
    skip("special_file");
    return report.exit_code;
  }
  // Keyed on what it used, when the sandbox could tell (cache/traced.hpp).
  std::vector<TracedInput> traced;
  if (report.traced) {
    InputScope scope{m_request.key.workspace, m_request.key.excludes};
    auto states = states_before(with_stats(report.inputs, report.stated), scope, m_key.tree, report.changed_paths,
                                m_stats, times_before);
    // vg's own output file changes during the run by design (reads_output judges a run reading it).
    std::vector<std::pair<std::string, InputUse>> inputs;
    for (const auto& used : report.inputs) {
      if (!is_output_file(used.first, m_output_files)) inputs.push_back(used);
    }
    std::string edited = changed_during_run(inputs, scope, report.changed_paths, m_run_started_stamp_ns);
    if (!edited.empty()) {
      facts.inputs_changed = true;
      facts.changed_input = edited + " changed while the run went on";
    }
    if (states) traced = std::move(*states);
    facts.traced = bool(states);
    if (!states) facts.untraced_reason = states.error().message;
  }
  fill_trace_facts(report, facts);
  Decision d = decide(facts, m_request.strategy);
  if (d.store && facts.traced && reads_output_file(traced, m_output_files)) {
    d = {false, "reads_output", "it read the file its output goes to"};
  }
  if (!d.store) {
    skip(d.reason, d.detail);
    if (m_stats.dirty()) m_store.save_stat_cache(m_request.key.workspace, m_stats);
    return report.exit_code;
  }

  Entry e;
  e.key = m_key.hex;
  e.created_ns = e.last_used_ns = wall_ns();
  e.exit_code = report.exit_code;
  e.workspace = m_request.key.workspace;
  e.ingredients = m_key.ingredients;
  if (facts.traced) {
    e.ingredients.inputs = inputs_digest(traced);
    e.key = traced_key(e.ingredients, traced);
    e.traced = std::move(traced);
  } else {
    e.untraced = facts.untraced_reason;
  }
  std::string tree_bytes = m_key.tree.encode();
  e.tree_blob = config::sha256_hex(tree_bytes);
  blobs.emplace(e.tree_blob, std::move(tree_bytes));
  e.output = recorder.finish(blobs);
  e.files = std::move(*files);
  e.size = e.encode().size();
  for (const auto& [id, bytes] : blobs) e.size += bytes.size();
  if (m_stats.dirty()) m_store.save_stat_cache(m_request.key.workspace, m_stats);
  auto stored = m_store.put(e, blobs);
  if (!stored) {
    std::fprintf(stderr, "vg: warning: the result was not cached: %s\n", printable(stored.error().message).c_str());
  }
  return report.exit_code;
}

}  // namespace vg::cache
