// bench_cache [VG_BIN...]: first run vs cached run of a ~2 s command on a
// 2,000-file workspace, through the cache API as `vg exec` uses it (each
// repetition opens the store afresh, as a new process would), with the
// median time of each phase of a hit; then the same at 10,000 and 50,000
// files. The API runs are not traced, so they are keyed on the whole
// workspace (as under the microVM backend) and use cache_strategy
// aggressive, the only one that replays such runs. With VG_BIN, also `vg exec` hits
// end to end (process start, config, risk analysis, cache) at each size:
// those runs go through the namespace sandbox, are traced and are keyed on
// the paths they used; with several binaries (an older build
// and a newer one), their runs alternate so that they are compared under
// the same load.
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cache/exec_cache.hpp"

extern char** environ;

namespace {

using namespace vg::cache;
using Clock = std::chrono::steady_clock;

struct Figures {
  double min, median, max;
};

Figures summarize(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  return {ms.front(), ms[ms.size() / 2], ms.back()};
}

void make_tree(const std::string& root, int files) {
  for (int i = 0; i < files; ++i) {
    std::string dir = root + "/d" + std::to_string(i / 50);
    ::mkdir(dir.c_str(), 0755);
    std::string path = dir + "/f" + std::to_string(i) + ".txt";
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::string text = "file " + std::to_string(i) + "\n" + std::string(200 + i % 300, 'x') + "\n";
    if (fd < 0 || ::write(fd, text.data(), text.size()) < 0) std::abort();
    ::close(fd);
  }
}

ExecRequest request(const std::string& ws, const std::string& script, const std::string& salt) {
  ExecRequest r;
  r.key.argv = {"/bin/sh", "-c", script};
  r.key.cwd = ws;
  r.key.workspace = ws;
  r.key.env = {"PATH=/usr/bin:/bin", "LANG=C"};
  r.key.salt = salt;
  // Untraced runs are keyed on the whole workspace, which only aggressive
  // stores and replays (a smart cache needs a complete trace).
  r.strategy = vg::config::CacheStrategy::aggressive;
  return r;
}

// Per-phase times of cached runs, in ms, by phase name (in first-seen order).
struct Phases {
  std::vector<std::string> order;
  std::map<std::string, std::vector<double>> ms;
};

// One `vg exec` worth of cache work; returns (ms, hit). Output goes to /dev/null.
std::pair<double, bool> exec_once(const std::string& store_dir, const ExecRequest& req, Phases* phases = nullptr) {
  std::fflush(stdout);
  int null = ::open("/dev/null", O_WRONLY);
  int saved = ::dup(1);
  ::dup2(null, 1);
  auto t0 = Clock::now();
  StoreOptions o;
  o.dir = store_dir;
  ExecCache cache(o, req);
  auto last = t0;
  cache.set_marker([&](const char* what) {
    auto now = Clock::now();
    if (phases) {
      if (!phases->ms.count(what)) phases->order.emplace_back(what);
      phases->ms[what].push_back(std::chrono::duration<double, std::milli>(now - last).count());
    }
    last = now;
  });
  auto code = cache.try_replay();
  if (!code) {
    cache.run_and_store([&] {
      RunReport r;
      pid_t pid = ::fork();
      if (pid == 0) {
        ::chdir(req.key.cwd.c_str());
        ::execl("/bin/sh", "sh", "-c", req.key.argv[2].c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
      }
      int status = 0;
      ::waitpid(pid, &status, 0);
      r.exit_code = WEXITSTATUS(status);
      r.changed_paths = {"out"};  // what a launcher's accepted write set would say
      return r;
    });
  }
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  std::fflush(stdout);
  ::dup2(saved, 1);
  ::close(saved);
  ::close(null);
  if (!cache.skipped_reason().empty()) std::fprintf(stderr, "not stored: %s\n", cache.skipped_reason().c_str());
  return {ms, cache.hit()};
}

// Remove what the benchmarked command writes (ws/out).
void remove_output(const std::string& ws) {
  ::unlink((ws + "/out/result.txt").c_str());
  ::rmdir((ws + "/out").c_str());
}

// Run `vg exec` once; each binary `n` keeps its own cache (an older build
// may not read a newer one's records).
// Run `args` in `ws` with stdin and stdout on /dev/null and XDG_CACHE_HOME
// at `cache_home`; the wall time in ms (-1 when it could not start).
double spawn_in(const std::vector<std::string>& command, const std::string& ws, const std::string& cache_home) {
  // posix_spawn, not fork: this process holds the in-API runs' large trees,
  // and copying its page tables would be timed as vg's (growing with the
  // workspace).
  std::vector<std::string> env_text;
  for (char** e = environ; *e; ++e) {
    if (std::string_view(*e).starts_with("XDG_CACHE_HOME=")) continue;
    env_text.emplace_back(*e);
  }
  env_text.push_back("XDG_CACHE_HOME=" + cache_home);
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = command;
  std::vector<char*> argp;
  for (auto& a : args) argp.push_back(a.data());
  argp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addchdir_np(&fa, ws.c_str());
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  auto t0 = Clock::now();
  pid_t pid = -1;
  int err = posix_spawn(&pid, args[0].c_str(), &fa, nullptr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (err != 0) return -1;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double spawn_vg(const std::string& vg, int n, const std::string& ws, const std::string& script) {
  std::string cache_home = std::string(std::getenv("XDG_CACHE_HOME")) + "-" + std::to_string(n);
  return spawn_in({vg, "exec", "--sandbox", "--", "sh", "-c", script}, ws, cache_home);
}

// A real workload: how to make its files, its command, and what to remove
// before each run so that every run starts from the same tree.
struct Workload {
  std::string name;
  std::string setup;
  std::string script;
  std::string clean;
};

std::vector<Workload> real_workloads() {
  std::vector<Workload> loads;
  // A clean C build: 20 translation units and a link.
  std::string c = "for i in $(seq 1 20); do printf '#include <stdio.h>\\nint f%d(void) { return %d; }\\n' $i $i > f$i.c; done; "
                  "printf 'int main(void) { return 0; }\\n' > main.c; "
                  "printf 'OBJ = $(patsubst %%.c,%%.o,$(wildcard *.c))\\napp: $(OBJ)\\n\\tcc -o $@ $(OBJ)\\n' > Makefile";
  loads.push_back({"clean C build (make -j2, 21 files)", c, "make -s -j2", "rm -f *.o app"});
  if (std::system("command -v node > /dev/null 2>&1") == 0) {
    std::string t = "for i in 1 2 3; do printf \"const test = require('node:test'); const assert = require('node:assert');\\n"
                    "test('t$i', () => assert.strictEqual(1 + $i, $i + 1));\\n\" > t$i.test.js; done";
    loads.push_back({"node --test (3 files)", t, "node --test", ""});
  }
  if (std::system("python3 -m pytest --version > /dev/null 2>&1") == 0) {
    std::string t = "for i in 1 2 3; do printf 'def test_%d():\\n    assert %d + 1 == %d\\n' $i $i $((i + 1)) > test_$i.py; done";
    loads.push_back({"pytest (3 files)", t, "python3 -m pytest -q -p no:cacheprovider", ""});
  }
  if (std::system("command -v tsc > /dev/null 2>&1") == 0) {
    loads.push_back({"tsc --noEmit (1 file)", "printf 'const x: number = 1;\\n' > a.ts", "tsc --noEmit a.ts", ""});
  }
  return loads;
}

// Each real workload through `vg` (the namespace sandbox): a real run
// (--no-cache) against a hit, medians of `reps` runs.
void measure_real_workloads(const std::string& vg, const std::string& root, int reps) {
  std::printf("\nreal workloads through vg exec --sandbox (ms)          run        hit   speed-up\n");
  int n = 0;
  for (const auto& w : real_workloads()) {
    std::string ws = root + "/real" + std::to_string(++n);
    std::string cache_home = root + "/real-cache" + std::to_string(n);
    ::mkdir(ws.c_str(), 0755);
    if (std::system(("cd '" + ws + "' && " + w.setup).c_str()) != 0) {
      std::fprintf(stderr, "%s: setup failed\n", w.name.c_str());
      continue;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2200));  // past the racy window
    auto clean = [&] {
      if (!w.clean.empty()) (void)std::system(("cd '" + ws + "' && " + w.clean).c_str());
    };
    std::vector<double> run, hit;
    for (int i = 0; i < reps; ++i) {
      clean();
      run.push_back(spawn_in({vg, "exec", "--sandbox", "--no-cache", "--", "sh", "-c", w.script}, ws, cache_home));
    }
    clean();
    spawn_in({vg, "exec", "--sandbox", "--", "sh", "-c", w.script}, ws, cache_home);  // stores
    for (int i = 0; i < reps; ++i) {
      clean();
      hit.push_back(spawn_in({vg, "exec", "--sandbox", "--", "sh", "-c", w.script}, ws, cache_home));
    }
    auto r = summarize(run), h = summarize(hit);
    std::printf("%-48s %10.1f %10.2f %9.0fx\n", w.name.c_str(), r.median, h.median, r.median / h.median);
  }
}

}  // namespace

int main(int argc, char** argv) {
  char tmpl[] = "/tmp/vg-bench-cache-XXXXXX";
  std::string root = ::mkdtemp(tmpl);
  const std::string script = "sleep 2; cat d0/f0.txt; mkdir -p out; echo built > out/result.txt";
  const int reps = 20;
  // `vg exec` runs keep their cache, audit log and config in the scratch directory.
  for (const char* var : {"XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"}) {
    std::string dir = root + "/" + var;
    ::mkdir(dir.c_str(), 0700);
    ::setenv(var, dir.c_str(), 1);
  }

  std::printf("result cache: a ~2 s command, first run vs cached run (ms)\n");
  std::printf("%-28s %10s %10s %10s\n", "", "min", "median", "max");
  // BENCH_CACHE_SIZES="2000,10000" measures only those workspace sizes.
  std::vector<int> sizes{2000, 10000, 50000};
  if (const char* only = std::getenv("BENCH_CACHE_SIZES")) {
    sizes.clear();
    for (const char* p = only; *p;) {
      char* end = nullptr;
      long n = std::strtol(p, &end, 10);
      if (end == p) break;
      if (n > 0) sizes.push_back(int(n));
      p = *end ? end + 1 : end;
    }
  }
  for (int files : sizes) {
    std::string ws = root + "/ws" + std::to_string(files);
    std::string store = root + "/cache" + std::to_string(files);
    ::mkdir(ws.c_str(), 0755);
    make_tree(ws, files);
    // Files younger than the racy window are re-hashed on every look; let
    // them age as real sources have.
    std::this_thread::sleep_for(std::chrono::milliseconds(2200));
    std::vector<double> first, cached;
    int first_runs = files == 2000 ? 3 : 1;
    for (int i = 0; i < first_runs; ++i) {
      // A new salt disowns the previous entries: each is a real first run.
      auto req = request(ws, script, "first-" + std::to_string(i));
      auto [ms, hit] = exec_once(store, req);
      if (hit) std::fprintf(stderr, "unexpected hit on a first run\n");
      first.push_back(ms);
      remove_output(ws);
    }
    auto req = request(ws, script, "first-" + std::to_string(first_runs - 1));
    Phases phases;
    for (int i = 0; i < reps; ++i) {
      // Each run starts from the same workspace: a replay restores out/,
      // which would otherwise be an input of the next run (another key).
      remove_output(ws);
      auto [ms, hit] = exec_once(store, req, &phases);
      if (!hit) std::fprintf(stderr, "unexpected miss on a cached run (%d files)\n", files);
      cached.push_back(ms);
    }
    auto f = summarize(first), c = summarize(cached);
    std::string label = std::to_string(files) + " files";
    std::printf("%-28s %10.1f %10.1f %10.1f\n", (label + ", first run").c_str(), f.min, f.median, f.max);
    std::printf("%-28s %10.2f %10.2f %10.2f   (%.0fx faster)\n", (label + ", hit, whole ws").c_str(), c.min, c.median,
                c.max, f.median / c.median);
    for (const auto& name : phases.order) {
      auto p = summarize(phases.ms[name]);
      std::printf("    %-24s %10.2f %10.2f %10.2f\n", name.c_str(), p.min, p.median, p.max);
    }
    // vg exec through each binary given, alternating, so all see the same load.
    std::vector<std::vector<double>> e2e(std::size_t(std::max(argc - 1, 0)));
    for (int b = 1; b < argc; ++b) {
      remove_output(ws);
      spawn_vg(argv[b], b, ws, script);  // first run: stores (unless the sandbox cannot start)
    }
    for (int i = 0; i < reps; ++i) {
      for (int b = 1; b < argc; ++b) {
        remove_output(ws);
        e2e[std::size_t(b - 1)].push_back(spawn_vg(argv[b], b, ws, script));
      }
    }
    for (int b = 1; b < argc; ++b) {
      auto e = summarize(e2e[std::size_t(b - 1)]);
      std::string tag = argc > 2 ? " #" + std::to_string(b) : "";
      std::printf("%-28s %10.2f %10.2f %10.2f   (%.0fx faster)\n", (label + ", vg exec hit, traced" + tag).c_str(),
                  e.min, e.median, e.max, f.median / e.median);
    }
  }
  // BENCH_CACHE_REAL=0 leaves out the real workloads.
  const char* real = std::getenv("BENCH_CACHE_REAL");
  if (argc > 1 && !(real && std::string(real) == "0")) measure_real_workloads(argv[1], root, 5);
  ::system(("rm -rf '" + root + "'").c_str());
  return 0;
}
