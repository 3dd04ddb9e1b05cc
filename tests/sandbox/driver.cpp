// vg-sandbox-run: run one command through the namespace Launcher directly,
// for the escape and functional suites (and to try the sandbox by hand).
//   vg-sandbox-run [--workspace DIR] [--cwd DIR] [--network none|full]
//                  [--memory BYTES] [--pids N] [--disk BYTES] [--cpu CORES]
//                  [--volume SRC:DST:ro|rw|overlay]... [--exclude GLOB]...
//                  [--user nobody|root|current] [--readonly] [--dry-run-writes]
//                  [--timeout SECONDS] [--cap NAME]...
//                  [--outcome FILE] [--timing] [--trace] [--with-thread] -- CMD [ARGS...]
// The outcome file gets "exit N", one "change VERDICT KIND PATH" line per
// change and "quarantine DIR"; with --trace, "traced yes|no REASON" and one
// "read_stdin yes|no" and an "input USE PATH" line per host path the run looked at (USE: written,
// probed, probed_link, read). Setup errors exit 69 with the message.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <atomic>
#include <fstream>
#include <thread>
#include <string>
#include <vector>

#include "config/exit_codes.hpp"
#include "sandbox/namespace/namespace.hpp"
#include "sandbox/policy/policy.hpp"

extern char** environ;

using namespace vg;

int main(int argc, char** argv) {
  config::Config cfg;
  sandbox::Spec spec;
  char cwd[4096];
  spec.cwd = getcwd(cwd, sizeof cwd) ? cwd : "/";
  std::string outcome_file;
  int i = 1;
  auto need = [&](const char* flag) -> std::string {
    if (i + 1 >= argc) {
      std::fprintf(stderr, "vg-sandbox-run: %s needs a value\n", flag);
      std::exit(exit_code::k_usage);
    }
    return argv[++i];
  };
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a == "--workspace") spec.workspace = need("--workspace");
    else if (a == "--cwd") spec.cwd = need("--cwd");
    else if (a == "--network") {
      std::string v = need("--network");
      spec.profile.network.mode = v == "full" ? config::NetworkMode::full : config::NetworkMode::none;
    } else if (a == "--memory") spec.profile.resources.memory = std::stoull(need("--memory"));
    else if (a == "--pids") spec.profile.resources.pids = std::stoull(need("--pids"));
    else if (a == "--disk") spec.profile.resources.disk = std::stoull(need("--disk"));
    else if (a == "--cpu") spec.profile.resources.cpu = std::stod(need("--cpu"));
    else if (a == "--user") spec.profile.isolation.user = need("--user");
    else if (a == "--timeout") spec.profile.resources.timeout = std::stoull(need("--timeout"));
    else if (a == "--cap") spec.profile.isolation.capabilities.push_back(need("--cap"));
    else if (a == "--readonly") spec.profile.isolation.filesystem = "readonly";
    else if (a == "--dry-run-writes") spec.dry_run_writes = true;
    else if (a == "--timing") spec.timing = true;
    else if (a == "--trace") spec.trace = true;
    else if (a == "--with-thread") {
      // Start a busy background thread first: the multithreaded start-up path.
      static std::atomic<bool> stop{false};
      static std::thread worker([] {
        while (!stop) {
          std::string churn(std::rand() % 4096 + 1, 'x');  // malloc under way in another thread
        }
      });
      worker.detach();
    }
    else if (a == "--outcome") outcome_file = need("--outcome");
    else if (a == "--exclude") spec.profile.exclude.push_back(need("--exclude"));
    else if (a == "--allow-protected") spec.profile.allow_protected.push_back(need("--allow-protected"));
    else if (a == "--volume") {
      std::string v = need("--volume");
      auto c1 = v.find(':'), c2 = v.rfind(':');
      if (c1 == std::string::npos || c2 == c1) {
        std::fprintf(stderr, "vg-sandbox-run: --volume SRC:DST:MODE\n");
        return exit_code::k_usage;
      }
      config::Volume vol;
      vol.source = v.substr(0, c1);
      vol.target = v.substr(c1 + 1, c2 - c1 - 1);
      std::string mode = v.substr(c2 + 1);
      vol.mode = mode == "rw" ? config::VolumeMode::rw
                 : mode == "overlay" ? config::VolumeMode::overlay : config::VolumeMode::ro;
      spec.profile.volumes.push_back(vol);
    } else {
      std::fprintf(stderr, "vg-sandbox-run: unknown option %s\n", a.c_str());
      return exit_code::k_usage;
    }
  }
  for (; i < argc; ++i) spec.argv.emplace_back(argv[i]);
  for (char** e = environ; *e; ++e) spec.env.emplace_back(*e);
  if (spec.workspace.empty()) spec.workspace = spec.cwd;

  auto launcher = sandbox::make_namespace_launcher(cfg);
  auto outcome = launcher->run(spec);
  if (!outcome) {
    std::fprintf(stderr, "vg-sandbox-run: error: %s\n", outcome.error().message.c_str());
    return exit_code::k_sandbox_unavailable;
  }
  if (!outcome_file.empty()) {
    std::ofstream out(outcome_file);
    out << "exit " << outcome->exit_code << "\n";
    if (outcome->timed_out) out << "timed_out\n";
    for (const auto& c : outcome->changes) {
      const char* verdict = c.accepted ? "ok" : c.conflict ? "conflict" : "refused";
      out << "change " << verdict << " " << sandbox::policy::to_string(c.kind) << " " << c.path << "\t" << c.reason
          << "\n";
    }
    out << "quarantine " << outcome->quarantine << "\n";
    if (spec.trace) {
      out << "traced " << (outcome->traced ? "yes" : "no") << " " << outcome->untraced_reason << "\n";
      out << "read_stdin " << (outcome->read_stdin ? "yes" : "no") << "\n";
      static const char* const k_uses[] = {"", "written", "probed", "probed_link", "read"};
      for (const auto& [path, use] : outcome->inputs) out << "input " << k_uses[int(use)] << " " << path << "\n";
    }
  }
  return outcome->exit_code;
}
