// bench_risk [CORPUS.tsv] [VG_BINARY]: prints min/median/max of
//  - engine creation (rule files parsed, nothing compiled),
//  - analysis time per command over the corpus (after one warm-up pass),
//  - commands per second on one core (whole corpus, repeated),
//  - `vg explain --json -- CMD` wall time, spawned (process start included).
#include <spawn.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "risk/engine.hpp"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

double us_since(Clock::time_point t) {
  return std::chrono::duration<double, std::micro>(Clock::now() - t).count();
}

void print(const char* what, std::vector<double> v, const char* unit) {
  std::sort(v.begin(), v.end());
  std::printf("%-44s min %10.2f  median %10.2f  max %10.2f %s  (n=%zu)\n", what, v.front(), v[v.size() / 2], v.back(),
              unit, v.size());
}

std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char c = s[++i];
      out.push_back(c == 'n' ? '\n' : c == 't' ? '\t' : c);
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string corpus_path = argc > 1 ? argv[1] : VG_BENCH_CORPUS;
  std::string vg = argc > 2 ? argv[2] : VG_BENCH_VG;
  std::vector<std::string> commands;
  std::ifstream in(corpus_path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto tab = line.find('\t');
    if (tab != std::string::npos) commands.push_back(unescape(line.substr(tab + 1)));
  }
  if (commands.empty()) {
    std::fprintf(stderr, "no commands in %s\n", corpus_path.c_str());
    return 1;
  }
  vg::config::Config config;
  std::vector<double> create;
  for (int i = 0; i < 20; ++i) {
    auto t = Clock::now();
    auto e = vg::risk::Engine::create(config);
    create.push_back(us_since(t));
  }
  print("engine create (load rule packs)", create, "us");

  auto engine = std::move(vg::risk::Engine::create(config).value());
  std::vector<double> first;
  for (const auto& c : commands) {
    auto t = Clock::now();
    (void)engine->assess_script(c);
    first.push_back(us_since(t));
  }
  print("first analysis per command (lazy compiles)", first, "us");

  std::vector<double> per_command;
  for (const auto& c : commands) {
    double best = 1e18;
    std::vector<double> runs;
    for (int r = 0; r < 5; ++r) {
      auto t = Clock::now();
      (void)engine->assess_script(c);
      runs.push_back(us_since(t));
    }
    std::sort(runs.begin(), runs.end());
    best = runs[runs.size() / 2];
    per_command.push_back(best);
  }
  print("analysis per command (warm)", per_command, "us");

  std::vector<double> rates;
  for (int r = 0; r < 5; ++r) {
    auto t = Clock::now();
    for (const auto& c : commands) (void)engine->assess_script(c);
    double us = us_since(t);
    rates.push_back(static_cast<double>(commands.size()) / (us / 1e6));
  }
  print("commands per second (one core)", rates, "cmd/s");

  std::vector<double> explain;
  int devnull = open("/dev/null", O_WRONLY);
  for (int i = 0; i < 40; ++i) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, devnull, 1);
    std::vector<std::string> args = {vg, "explain", "--json", "--", "rm", "-rf", "./build"};
    std::vector<char*> cargv;
    for (auto& a : args) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    pid_t pid;
    auto t = Clock::now();
    if (posix_spawn(&pid, vg.c_str(), &fa, nullptr, cargv.data(), environ) != 0) {
      std::fprintf(stderr, "cannot spawn %s\n", vg.c_str());
      return 1;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    explain.push_back(us_since(t) / 1000.0);
    posix_spawn_file_actions_destroy(&fa);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::fprintf(stderr, "vg explain failed (status %d)\n", status);
      return 1;
    }
  }
  print("vg explain --json -- rm -rf ./build (wall)", explain, "ms");
  std::printf("corpus: %zu commands from %s\n", commands.size(), corpus_path.c_str());
  return 0;
}
