// trace_bench [--runs N] [--driver PATH]: what input tracing (seccomp user
// notification, sandbox/trace) adds to a sandboxed run. Each workload runs
// through the namespace Launcher (vg-sandbox-run) without and with --trace,
// in shuffled rounds so machine noise hits both alike; prints min/median/max
// (ms), the difference of the medians and the number of traced paths.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "bench/common/timed_spawn.hpp"

namespace {

struct Contender {
  std::string name;
  std::vector<std::string> argv;
  std::vector<double> ms;
  bool ok = true;
};

double run_once(const Contender& c, const std::string& dir) {
  return vg::bench::timed_spawn(c.argv, dir, vg::bench::Stdout::discard);
}

using vg::bench::median;

}  // namespace

int main(int argc, char** argv) {
  int runs = 60;
  std::string driver = VG_SANDBOX_RUN_PATH;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--runs" && i + 1 < argc) runs = std::atoi(argv[++i]);
    else if (a == "--driver" && i + 1 < argc) driver = argv[++i];
  }
  char tmpl[] = "/tmp/vg-trace-bench-XXXXXX";
  if (!mkdtemp(tmpl)) return 1;
  std::string dir = tmpl;
  // A small project: 200 source files in 10 directories.
  for (int d = 0; d < 10; ++d) {
    std::string sub = dir + "/src" + std::to_string(d);
    mkdir(sub.c_str(), 0755);
    for (int f = 0; f < 20; ++f) std::ofstream(sub + "/f" + std::to_string(f) + ".c") << "int x" << f << ";\n";
  }
  struct Workload {
    std::string name;
    std::vector<std::string> cmd;
  };
  std::vector<Workload> loads = {
      {"true", {"/bin/true"}},
      {"sh: cat + ls", {"/bin/sh", "-c", "cat src0/f0.c; ls src1"}},
      {"grep -r over 200 files", {"/bin/grep", "-r", "x1", "."}},
  };
  if (access("/usr/bin/git", X_OK) == 0) loads.push_back({"git status (200 files)", {"/usr/bin/git", "status", "--short"}});
  if (access("/usr/bin/node", X_OK) == 0) loads.push_back({"node -e 0", {"/usr/bin/node", "-e", "0"}});
  if (access("/usr/bin/git", X_OK) == 0) {
    std::string init = "cd '" + dir + "' && git init -q && git add -A && git -c user.name=b -c user.email=b@example.invalid commit -qm x";
    if (std::system(init.c_str()) != 0) std::fprintf(stderr, "git init failed; git status measures an untracked tree\n");
  }
  std::vector<Contender> cs;
  for (const auto& w : loads) {
    Contender plain{w.name + ", untraced", {driver, "--outcome", dir + ".plain", "--"}, {}};
    Contender traced{w.name + ", traced", {driver, "--trace", "--outcome", dir + ".out", "--"}, {}};
    for (const auto& a : w.cmd) {
      plain.argv.push_back(a);
      traced.argv.push_back(a);
    }
    cs.push_back(plain);
    cs.push_back(traced);
  }
  for (auto& c : cs) c.ok = run_once(c, dir) >= 0;  // warm caches
  std::mt19937 shuffle(1);
  std::vector<size_t> order(cs.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  for (int i = 0; i < runs; ++i) {
    std::shuffle(order.begin(), order.end(), shuffle);
    for (size_t k : order) {
      if (!cs[k].ok) continue;
      double t = run_once(cs[k], dir);
      if (t < 0) {
        std::fprintf(stderr, "%s failed; left out\n", cs[k].name.c_str());
        cs[k].ok = false;
      } else {
        cs[k].ms.push_back(t);
      }
    }
  }
  std::printf("%-40s %8s %8s %8s %9s %7s  (ms, %d runs, shuffled)\n", "", "min", "median", "max", "+traced", "paths",
              runs);
  for (size_t k = 0; k + 1 < cs.size(); k += 2) {
    for (size_t j : {k, k + 1}) {
      auto& c = cs[j];
      if (c.ms.empty()) continue;
      auto v = c.ms;
      std::sort(v.begin(), v.end());
      std::printf("%-40s %8.2f %8.2f %8.2f", c.name.c_str(), v.front(), v[v.size() / 2], v.back());
      if (j == k + 1 && !cs[k].ms.empty()) {
        // How many host paths the traced run reported (one run, afterwards).
        std::string out = c.argv[3];
        run_once(c, dir);
        std::ifstream in(out);
        std::string line;
        int paths = 0;
        while (std::getline(in, line)) paths += line.rfind("input ", 0) == 0;
        std::printf(" %9.2f %7d", median(c.ms) - median(cs[k].ms), paths);
      }
      std::printf("\n");
    }
  }
  std::system(("rm -rf '" + dir + "' '" + dir + ".out' '" + dir + ".plain'").c_str());
  return 0;
}
