// The router's share of every `vg exec`: decide(), a trust lookup against a
// store of 20 entries (load + resolve + match), and one audit append (lock,
// open, write, close). Prints min / median / max per operation.
//
//   router_bench [--runs N]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "router/audit.hpp"
#include "router/decide.hpp"
#include "router/trust.hpp"

namespace {

using namespace vg;

void report(const char* what, int runs, const std::function<void()>& op) {
  std::vector<double> us;
  us.reserve(static_cast<std::size_t>(runs));
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    op();
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(us.begin(), us.end());
  std::printf("%-28s min %9.2f us  median %9.2f us  max %9.2f us  (%d runs)\n", what, us.front(), us[us.size() / 2],
              us.back(), runs);
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 2000;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--runs") runs = std::atoi(argv[i + 1]);
  }
  char tmpl[] = "/tmp/vg-router-bench-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  const char* path_env = std::getenv("PATH");
  std::string path = path_env ? path_env : "/usr/bin:/bin";

  config::Config config;
  config.sandbox.mode = config::Mode::automatic;
  risk::Assessment assessment;
  assessment.level = config::Level::medium;
  assessment.findings.push_back({"bench.rule", config::Level::medium, "a finding", "cmd", 0, 3});
  volatile int sink = 0;
  report("decide", runs, [&] { sink = sink + static_cast<int>(router::decide(config, assessment, router::Override::none, false).route); });

  std::string trust_path = dir + "/trust.json";
  std::vector<std::string> warnings;
  for (int i = 0; i < 20; ++i) {
    auto e = router::entry_from_pattern("cat file" + std::to_string(i), path, dir);
    if (e) (void)router::TrustStore::add(trust_path, *e, warnings);
  }
  report("trust load + match (20)", runs, [&] {
    auto store = router::TrustStore::load(trust_path, warnings);
    sink = sink + (store.match({"cat", "file19"}, path, dir, std::time(nullptr)) != nullptr);
  });

  router::AuditRecord r;
  r.time = "2026-11-22T07:09:43.123Z";
  r.user = "bench";
  r.cwd = dir;
  r.command = "npm test -- --watch=false";
  r.route = "host";
  std::string line = router::to_json_line(r);
  std::string audit = dir + "/audit.jsonl";
  report("audit append", runs, [&] { (void)router::append_line(audit, line, 10ull << 20, 3); });

  std::filesystem::remove_all(dir);
  return sink < 0;
}
