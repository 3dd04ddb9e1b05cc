// secret_walk_bench [DIRS [FILES_PER_DIR [ROUNDS]]]
//
// Builds a throwaway tree shaped like a node project's dependencies (DIRS
// directories two levels deep, FILES_PER_DIR files in each, a few `.env`
// files among them), then times, in alternating rounds, the walk every
// sandbox start makes: listing the whole tree, and the same walk with its
// index from the previous run. Prints the medians and the cost per entry.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "sandbox/secret_walk.hpp"

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double time_walk(const vg::sandbox::SecretWalk& w, std::size_t& found) {
  auto start = std::chrono::steady_clock::now();
  auto r = vg::sandbox::find_secret_paths(w);
  auto end = std::chrono::steady_clock::now();
  if (!r) {
    std::fprintf(stderr, "walk failed: %s\n", r.error().message.c_str());
    std::exit(1);
  }
  found = r->paths.size();
  return std::chrono::duration<double, std::milli>(end - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  int dirs = argc > 1 ? std::atoi(argv[1]) : 5000;
  int files = argc > 2 ? std::atoi(argv[2]) : 10;
  int rounds = argc > 3 ? std::atoi(argv[3]) : 21;
  char tmpl[] = "/tmp/vg-walk-bench-XXXXXX";
  if (!mkdtemp(tmpl)) return 1;
  std::string root = tmpl;
  std::string ws = root + "/ws";
  int per_top = 50;
  for (int d = 0; d < dirs; ++d) {
    std::string dir = ws + "/pkg" + std::to_string(d / per_top) + "/sub" + std::to_string(d % per_top);
    std::filesystem::create_directories(dir);
    for (int f = 0; f < files; ++f) std::ofstream(dir + "/file" + std::to_string(f) + ".js") << "x";
    if (d % 997 == 0) std::ofstream(dir + "/.env") << "SECRET=x";
  }
  vg::sandbox::SecretWalk whole;
  whole.root = ws;
  vg::sandbox::SecretWalk indexed = whole;
  indexed.index_dir = root + "/index";
  std::size_t found = 0;
  time_walk(indexed, found);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // every listing old enough to trust
  time_walk(indexed, found);

  std::vector<double> t_whole, t_indexed;
  std::size_t found_whole = 0, found_indexed = 0;
  for (int i = 0; i < rounds; ++i) {
    t_whole.push_back(time_walk(whole, found_whole));
    t_indexed.push_back(time_walk(indexed, found_indexed));
  }
  auto r = vg::sandbox::find_secret_paths(whole);
  double entries = r ? static_cast<double>(r->entries) : 0;
  std::printf("tree: %d directories (+%d above them), %.0f entries, %zu .env files found (whole) / %zu (indexed)\n",
              dirs, dirs / per_top + 1, entries, found_whole, found_indexed);
  std::printf("whole walk:   median %8.2f ms  (%.2f us an entry)\n", median(t_whole),
              median(t_whole) * 1000 / entries);
  std::printf("indexed walk: median %8.2f ms  (%.2f us an entry)  %.1fx faster\n", median(t_indexed),
              median(t_indexed) * 1000 / entries, median(t_whole) / median(t_indexed));
  std::filesystem::remove_all(root);
  return found_whole == found_indexed ? 0 : 1;
}
