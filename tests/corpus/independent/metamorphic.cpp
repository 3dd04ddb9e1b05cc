// Metamorphic test of the risk engine on the independent corpus: every
// dangerous or catastrophic row of both halves is rewritten by meaning-preserving
// transformations (transforms.cpp) and its level must never drop; every safe or
// lookalike row is rewritten by transformations that keep it harmless and its
// level must never rise. Violations are counted and compared with the ceiling
// recorded in metamorphic_ceiling.txt ("violations N"): the test fails only
// when there are more.
//
//   corpus_metamorphic [--ceiling FILE] [--examples N] FILE...
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "risk/engine.hpp"
#include "tests/corpus/independent/rows.hpp"
#include "tests/corpus/independent/transforms.hpp"

namespace {

using vg::config::Level;

constexpr int kCrash = -1;  // the engine crashed on this command

struct Violation {
  std::string transform, original, variant;
  int before, after;  // levels, or kCrash
  bool dangerous;
};

const char* level_name(int level) {
  return level == kCrash ? "CRASH" : vg::config::to_string(static_cast<Level>(level));
}

// The level of each command, assessed in a child process so that a crash in the
// engine is counted as a violation instead of ending the run: a child assesses
// commands in order and reports each level on a pipe; when it dies, the command
// it was on is marked kCrash and a new child carries on after it.
std::vector<int> isolated_levels(vg::risk::Engine& engine, const std::vector<std::string>& commands) {
  std::vector<int> levels(commands.size(), kCrash);
  std::size_t next = 0;
  while (next < commands.size()) {
    int fds[2];
    if (pipe(fds) != 0) return levels;
    pid_t pid = fork();
    if (pid == 0) {
      close(fds[0]);
      for (std::size_t i = next; i < commands.size(); ++i) {
        char level = static_cast<char>(engine.assess_script(commands[i]).level);
        if (write(fds[1], &level, 1) != 1) _exit(1);
      }
      _exit(0);
    }
    close(fds[1]);
    char level;
    while (next < commands.size() && read(fds[0], &level, 1) == 1) levels[next++] = level;
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (next < commands.size()) ++next;  // the child died on commands[next]: it stays kCrash
  }
  return levels;
}

struct Totals {
  std::size_t rows = 0, variants = 0, dangerous_variants = 0, harmless_variants = 0;
  std::vector<Violation> violations;
  std::map<std::string, std::size_t> by_transform;
};

void check_row(vg::risk::Engine& engine, const vg::corpus::Row& row, Totals& t) {
  bool dangerous = vg::corpus::is_dangerous(row.label);
  const auto& transforms = dangerous ? vg::corpus::dangerous_transforms() : vg::corpus::harmless_transforms();
  std::vector<std::string> commands{row.command};
  std::vector<const char*> names{""};
  for (const auto& tr : transforms) {
    auto variant = tr.apply(row.command);
    if (!variant || *variant == row.command) continue;
    commands.push_back(std::move(*variant));
    names.push_back(tr.name);
  }
  std::vector<int> levels = isolated_levels(engine, commands);
  ++t.rows;
  for (std::size_t i = 1; i < commands.size(); ++i) {
    ++t.variants;
    ++(dangerous ? t.dangerous_variants : t.harmless_variants);
    int before = levels[0], after = levels[i];
    bool bad = after == kCrash || (before != kCrash && (dangerous ? after < before : after > before));
    if (!bad) continue;
    ++t.by_transform[names[i]];
    t.violations.push_back({names[i], row.command, commands[i], before, after, dangerous});
  }
}

long read_ceiling(const std::string& path) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream s(line);
    std::string word;
    long n = -1;
    if (s >> word >> n && word == "violations") return n;
  }
  return -1;
}

// One example per transform first, so the sample shows different failures.
void print_examples(const Totals& t, std::size_t max) {
  std::map<std::string, bool> shown;
  std::size_t printed = 0;
  for (const auto& v : t.violations) {
    if (printed >= max) break;
    if (shown[v.transform]) continue;
    shown[v.transform] = true;
    std::printf("  [%s] %s %s -> %s\n      was: %s\n      now: %s\n", v.transform.c_str(),
                v.after == kCrash ? "ENGINE CRASHED" : v.dangerous ? "DROPPED" : "ROSE", level_name(v.before),
                level_name(v.after),
                v.original.c_str(), v.variant.c_str());
    ++printed;
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string ceiling_file;
  std::size_t examples = 12;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--ceiling" && i + 1 < argc) ceiling_file = argv[++i];
    else if (a == "--examples" && i + 1 < argc) examples = std::stoul(argv[++i]);
    else files.push_back(a);
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: corpus_metamorphic [--ceiling FILE] [--examples N] FILE...\n");
    return 2;
  }
  vg::config::Config config;
  config.sandbox.mode = vg::config::Mode::automatic;
  auto engine = vg::risk::Engine::create(config);
  if (!engine) {
    std::fprintf(stderr, "rules failed to load: %s\n", engine.error().message.c_str());
    return 1;
  }
  Totals t;
  for (const auto& file : files) {
    std::string error;
    auto rows = vg::corpus::read_rows(file, error);
    if (!error.empty()) {
      std::fprintf(stderr, "%s\n", error.c_str());
      return 2;
    }
    for (const auto& row : rows)
      if (vg::corpus::is_dangerous(row.label) || vg::corpus::is_harmless(row.label)) check_row(**engine, row, t);
  }
  std::size_t crashes = 0;
  std::map<std::string, bool> rows_hit;
  for (const auto& v : t.violations) {
    crashes += v.after == kCrash;
    rows_hit[v.original] = true;
  }
  std::printf("engine crashes: %zu; rows with a violation: %zu\n", crashes, rows_hit.size());
  std::printf("metamorphic: %zu rows, %zu variants (%zu dangerous, %zu harmless), %zu violations\n", t.rows,
              t.variants, t.dangerous_variants, t.harmless_variants, t.violations.size());
  for (const auto& [name, n] : t.by_transform) std::printf("  %-28s %zu\n", name.c_str(), n);
  if (!t.violations.empty()) {
    std::printf("examples:\n");
    print_examples(t, examples);
  }
  if (ceiling_file.empty()) return 0;
  long ceiling = read_ceiling(ceiling_file);
  if (ceiling < 0) {
    std::printf("FAIL: no 'violations N' line in %s\n", ceiling_file.c_str());
    return 1;
  }
  bool ok = static_cast<long>(t.violations.size()) <= ceiling;
  std::printf("%s (%zu violations, ceiling %ld)\n", ok ? "PASS" : "FAIL", t.violations.size(), ceiling);
  return ok ? 0 : 1;
}
