// Host-route overhead: `vg exec -- true` against `true`, run side by side
// (alternating, so machine noise hits both alike). Prints min/median/max.
//
//   exec_bench [--runs N] [--vg PATH]
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

extern char** environ;

namespace {

double run_once(const std::vector<std::string>& argv, char** envp) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  auto start = std::chrono::steady_clock::now();
  pid_t pid;
  if (posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), envp) != 0) {
    std::perror("posix_spawn");
    std::exit(1);
  }
  int status;
  waitpid(pid, &status, 0);
  auto end = std::chrono::steady_clock::now();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "%s exited with status %d\n", argv[0].c_str(), status);
    std::exit(1);
  }
  return std::chrono::duration<double, std::milli>(end - start).count();
}

struct Summary {
  double min, median, max;
};

Summary summarize(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v.front(), v[v.size() / 2], v.back()};
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 300;
  std::string vg = VG_BINARY_PATH;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--runs") runs = std::atoi(argv[i + 1]);
    else if (a == "--vg") vg = argv[i + 1];
  }
  // A private HOME whose config routes to the host: this measures vg's own
  // cost on the host path (config, analysis, routing, audit, spawn).
  namespace fs = std::filesystem;
  std::string home = (fs::temp_directory_path() / "vg-exec-bench-XXXXXX").string();
  if (!mkdtemp(home.data())) return 1;
  fs::create_directories(home + "/.config/vg");
  std::ofstream(home + "/.config/vg/config.yaml") << "sandbox:\n  mode: disabled\n";
  setenv("HOME", home.c_str(), 1);
  setenv("XDG_CONFIG_HOME", (home + "/.config").c_str(), 1);
  setenv("XDG_STATE_HOME", (home + "/.local/state").c_str(), 1);
  setenv("XDG_DATA_HOME", (home + "/.local/share").c_str(), 1);
  setenv("XDG_CACHE_HOME", (home + "/.cache").c_str(), 1);
  if (chdir(home.c_str()) != 0) return 1;

  const std::vector<std::string> bare{"/bin/true"};
  const std::vector<std::string> through_vg{vg, "exec", "--", "/bin/true"};
  for (int i = 0; i < 10; ++i) {  // warm the page cache
    run_once(bare, environ);
    run_once(through_vg, environ);
  }
  std::vector<double> t_bare, t_vg;
  for (int i = 0; i < runs; ++i) {
    t_bare.push_back(run_once(bare, environ));
    t_vg.push_back(run_once(through_vg, environ));
  }
  Summary b = summarize(t_bare), v = summarize(t_vg);
  std::printf("host route, %d runs each, alternating (ms)\n", runs);
  std::printf("%-26s %8s %8s %8s\n", "", "min", "median", "max");
  std::printf("%-26s %8.3f %8.3f %8.3f\n", "true", b.min, b.median, b.max);
  std::printf("%-26s %8.3f %8.3f %8.3f\n", "vg exec -- true", v.min, v.median, v.max);
  std::printf("vg overhead (median difference): %.3f ms (goal <= 2 ms)\n", v.median - b.median);
  fs::remove_all(home);
  return 0;
}
