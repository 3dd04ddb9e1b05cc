#include "sandbox/ending.hpp"

#include <cstdint>
#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "config/exit_codes.hpp"
#include "config/load.hpp"
#include "config/printable.hpp"
#include "sandbox/policy/policy.hpp"
#include "sandbox/proxy/sandbox_network.hpp"

namespace vg::sandbox {

namespace {

// vg's lines after a run follow whatever the command printed: on a
// terminal, reset the colours and attributes it left (an "invisible text"
// escape would hide vg's report) before the first of them.
void reset_terminal_attributes() {
  static bool done = false;
  if (done) return;
  done = true;
  if (isatty(2)) std::fputs("\033[0m", stderr);
}

}  // namespace

void finish_run(const Spec& spec, const std::vector<WriteLayer>& layers, const timespec& started,
                proxy::HostNetwork* net, Outcome& out) {
  // The command has ended. vg's own lines must not end vg now: a reader of
  // its stderr that went away (`2>&1 | head -1`) would kill it by SIGPIPE
  // between two layers' commits, before the run is recorded. The command's
  // own code (141 when SIGPIPE ended it) still says what happened.
  std::signal(SIGPIPE, SIG_IGN);
  if (out.timed_out) {
    reset_terminal_attributes();
    std::fprintf(stderr, "vg: sandbox: timed out after %llus (resources.timeout); killed\n",
                 static_cast<unsigned long long>(spec.profile.resources.timeout));
    out.exit_code = exit_code::k_timed_out;
  }
  if (net) {
    std::string note = net->finish(out.exit_code);
    if (!note.empty()) {
      reset_terminal_attributes();
      std::fprintf(stderr, "vg: note: %s\n", note.c_str());
    }
    out.used_network = net->stats().allowed > 0;
  }
  // resources.disk bounds what all layers commit together, by apparent size
  // as well as blocks (a sparse 2 GiB file takes no block of a tmpfs).
  std::uint64_t used = 0;
  for (const WriteLayer& layer : layers) {
    policy::Rules rules;
    if (layer.workspace) rules.exclude = spec.profile.exclude;
    rules.started_at = started;
    rules.quarantine_base = config::dirs().state + "/quarantine";
    rules.apply = spec.dry_run_writes ? policy::Apply::dry_run : policy::Apply::commit;
    rules.sandbox_root = layer.sandbox_path;
    rules.max_total_size = spec.profile.resources.disk;
    rules.total_before = used;
    rules.refuse_all = layer.refuse_all;
    rules.allow_protected = spec.profile.allow_protected;
    auto report = policy::commit_write_set(layer.upper, layer.host_path, rules);
    if (!report) {
      reset_terminal_attributes();
      std::fprintf(stderr, "vg: error: the sandbox's writes to %s could not be checked: %s\n",
                   printable(layer.host_path).c_str(), report.error().message.c_str());
      if (out.exit_code == 0) out.exit_code = exit_code::k_internal;
      continue;
    }
    used = report->total_size;
    std::string text = policy::format_report(*report, spec.dry_run_writes);
    if (!text.empty()) {
      reset_terminal_attributes();
      std::fputs(text.c_str(), stderr);
    }
    for (auto& c : report->changes) out.changes.push_back(std::move(c));
    if (!report->quarantine.empty()) out.quarantine = report->quarantine;
    // A run whose writes did not all land did not do what it said: exit 0
    // would let `vg exec -- make && deploy` go on (a failing code is kept).
    if (report->refused > 0 && !spec.dry_run_writes && out.exit_code == 0) out.exit_code = exit_code::k_kept_aside;
  }
}

}  // namespace vg::sandbox
