// Benchmark of config::load(): built-in defaults only; with a user file and
// a repository .vg.yaml (tighten check); and with a repository file that
// loosens, which reads the trust store. Prints min / median / max.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "config/load.hpp"

namespace {

void write(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

void measure(const char* name, const vg::config::LoadOptions& options, int runs) {
  std::vector<double> us;
  us.reserve(static_cast<std::size_t>(runs));
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    auto r = vg::config::load(options);
    auto end = std::chrono::steady_clock::now();
    if (!r) {
      std::fprintf(stderr, "load failed: %s\n", r.error().message.c_str());
      std::exit(1);
    }
    us.push_back(std::chrono::duration<double, std::micro>(end - start).count());
  }
  std::sort(us.begin(), us.end());
  std::printf("%-34s min %8.1f us   median %8.1f us   max %8.1f us   (%d runs)\n", name, us.front(),
              us[us.size() / 2], us.back(), runs);
}

}  // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::atoi(argv[1]) : 2000;
  char tmpl[] = "/tmp/vg-config-bench-XXXXXX";
  if (!::mkdtemp(tmpl)) return 1;
  std::string root = tmpl;
  std::string home = root + "/home";
  std::string repo = root + "/a/b/c/repo";
  std::filesystem::create_directories(repo + "/src/deep");

  vg::config::LoadOptions options;
  options.cwd = repo + "/src/deep";
  options.env = {{"HOME", home}};
  options.use_process_env = false;
  options.system_file = root + "/etc/vg/config.yaml";

  measure("defaults only", options, runs);

  write(home + "/.config/vg/config.yaml",
        "sandbox:\n  mode: auto\n  cache_size: 2GB\n  network:\n    mode: restricted\n"
        "    allowed_hosts: [registry.npmjs.org, \"*.github.com\"]\n  resources:\n    memory: 2GB\n");
  write(repo + "/.vg.yaml", "sandbox:\n  exclude: [.env]\n  network:\n    mode: none\n");
  measure("user file + tightening .vg.yaml", options, runs);

  write(repo + "/.vg.yaml", "sandbox:\n  mode: disabled\n");
  measure("user file + loosening .vg.yaml", options, runs);

  std::filesystem::remove_all(root);
  return 0;
}
