// Sandbox start-up: `vg exec --sandbox -- true` side by side with
// `bwrap --ro-bind / / --dev /dev --proc /proc --unshare-all true`, plus the
// namespace Launcher alone (vg-sandbox-run) and a bare `true` for scale.
// Runs alternate, in a new random order each round, so machine noise (and
// the previous sandbox's teardown) hits all alike. Prints min/median/max (ms)
// and the ratio of the medians vg / bwrap.
//
//   sandbox_bench [--runs N] [--vg PATH] [--driver PATH] [--no-vg]
//                 [--vg-before PATH] [--driver-before PATH] [--seed N] [--gap-ms N]
// The --*-before binaries (an older build) run alongside, for before/after
// figures measured under the same load. --gap-ms pauses before each run, so
// that the previous sandbox's asynchronous teardown is not in the figure.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/common/timed_spawn.hpp"

namespace {

struct Contender {
  std::string name;
  std::vector<std::string> argv;
  std::vector<double> ms;
  std::vector<double> by_round = {};  // the time of each round, -1 when it failed
  bool ok = true;
};

double run_once(const Contender& c, const std::string& dir) {
  return vg::bench::timed_spawn(c.argv, dir);
}

using vg::bench::median;

}  // namespace

int main(int argc, char** argv) {
  int runs = 200;
  std::string vg = VG_BINARY_PATH, driver = VG_SANDBOX_RUN_PATH;
  bool with_vg = true;
  unsigned seed = 1;
  int gap_ms = 0;  // pause before each run: the previous sandbox's teardown finishes first
  std::string vg_before, driver_before;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--runs" && i + 1 < argc) runs = std::atoi(argv[++i]);
    else if (a == "--vg" && i + 1 < argc) vg = argv[++i];
    else if (a == "--driver" && i + 1 < argc) driver = argv[++i];
    else if (a == "--no-vg") with_vg = false;
    else if (a == "--seed" && i + 1 < argc) seed = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
    else if (a == "--gap-ms" && i + 1 < argc) gap_ms = std::atoi(argv[++i]);
    else if (a == "--vg-before" && i + 1 < argc) vg_before = argv[++i];
    else if (a == "--driver-before" && i + 1 < argc) driver_before = argv[++i];
  }
  // A small throwaway workspace, so the numbers do not depend on the caller's cwd.
  char tmpl[] = "/tmp/vg-sandbox-bench-XXXXXX";
  if (!mkdtemp(tmpl)) return 1;
  std::string dir = tmpl;

  std::vector<Contender> cs;
  if (with_vg) {
    // After the first run `true` is replayed from the result cache; --no-cache
    // measures the sandbox's start every time.
    cs.push_back({"vg exec --sandbox -- true", {vg, "exec", "--sandbox", "--", "true"}, {}});
    cs.push_back({"vg exec --sandbox --no-cache -- true", {vg, "exec", "--sandbox", "--no-cache", "--", "true"}, {}});
  }
  cs.push_back({"bwrap --unshare-all true", {"/usr/bin/bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                                              "--unshare-all", "true"}, {}});
  cs.push_back({"Launcher only (vg-sandbox-run true)", {driver, "--", "true"}, {}});
  if (!vg_before.empty()) cs.push_back({"before: vg exec --sandbox -- true", {vg_before, "exec", "--sandbox", "--", "true"}, {}});
  if (!vg_before.empty()) {
    cs.push_back({"before: vg exec --sandbox --no-cache -- true", {vg_before, "exec", "--sandbox", "--no-cache", "--", "true"}, {}});
  }
  if (!driver_before.empty()) cs.push_back({"before: Launcher only", {driver_before, "--", "true"}, {}});
  cs.push_back({"true (no sandbox)", {"/bin/true"}, {}});

  for (auto& c : cs) run_once(c, dir);  // warm caches
  // Each round runs every contender once, in a new random order: a sandbox's
  // teardown (the kernel frees a network namespace asynchronously, ~0.3 ms
  // of CPU) lands on whoever runs next, and a fixed order gave identical
  // binaries medians up to 9% apart.
  std::mt19937 shuffle(seed);
  std::vector<size_t> order(cs.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  for (int i = 0; i < runs; ++i) {
    std::shuffle(order.begin(), order.end(), shuffle);
    for (size_t k : order) {
      Contender& c = cs[k];
      c.by_round.push_back(-1);
      if (!c.ok) continue;
      if (gap_ms > 0) usleep(static_cast<useconds_t>(gap_ms) * 1000);
      double t = run_once(c, dir);
      c.by_round.back() = t;
      if (t < 0) {
        std::fprintf(stderr, "%s failed; left out\n", c.name.c_str());
        c.ok = false;
      } else {
        c.ms.push_back(t);
      }
    }
  }
  std::printf("%-46s %8s %8s %8s  (ms, %d runs, shuffled rounds)\n", "", "min", "median", "max", runs);
  for (auto& c : cs) {
    if (c.ms.empty()) continue;
    auto v = c.ms;
    std::sort(v.begin(), v.end());
    std::printf("%-46s %8.2f %8.2f %8.2f\n", c.name.c_str(), v.front(), v[v.size() / 2], v.back());
  }
  auto find = [&](const std::string& prefix) -> const Contender* {
    for (auto& c : cs) {
      if (c.name.rfind(prefix, 0) == 0 && !c.ms.empty()) return &c;
    }
    return nullptr;
  };
  const Contender* b = find("bwrap");
  for (const char* who : {"vg exec --sandbox --", "vg exec --sandbox --no-cache", "Launcher", "before: vg exec --sandbox --",
                          "before: vg exec --sandbox --no-cache", "before: Launcher"}) {
    const Contender* v = find(who);
    if (v && b) std::printf("ratio of medians %s / bwrap: %.2f\n", who, median(v->ms) / median(b->ms));
  }
  // The same ratio taken within each round (both ran within a few ms of each
  // other, under the same background load), then the median over rounds:
  // steadier than the ratio of medians on a busy machine.
  for (const char* who : {"vg exec --sandbox --", "vg exec --sandbox --no-cache", "Launcher", "before: vg exec --sandbox --",
                          "before: vg exec --sandbox --no-cache", "before: Launcher"}) {
    const Contender* v = find(who);
    if (!v || !b) continue;
    std::vector<double> ratios;
    for (size_t r = 0; r < v->by_round.size() && r < b->by_round.size(); ++r) {
      if (v->by_round[r] > 0 && b->by_round[r] > 0) ratios.push_back(v->by_round[r] / b->by_round[r]);
    }
    if (!ratios.empty()) std::printf("median of per-round ratios %s / bwrap: %.3f\n", who, median(ratios));
  }
  rmdir(dir.c_str());
  return 0;
}
