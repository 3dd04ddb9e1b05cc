#include "vg/context.hpp"

#include <cstdio>

#include "config/exit_codes.hpp"
#include "config/load.hpp"
#include "config/result.hpp"

namespace vg {

timespec realtime_now() {
  timespec t{};
  clock_gettime(CLOCK_REALTIME, &t);
  return t;
}

namespace {

// Read before the other static constructors (CLI11's validators in every
// command's file, iostreams): the earlier vg notes its start, the sooner the
// sandbox's wait for the next tick of the conflict clock can end.
__attribute__((init_priority(101))) const timespec g_process_begun = realtime_now();

}  // namespace

timespec process_begun() { return g_process_begun; }

void Stats::mark(const char* what) {
  if (!enabled) return;
  auto now = Clock::now();
  m_marks.emplace_back(what, std::chrono::duration<double, std::micro>(now - m_last).count());
  m_last = now;
}

void Stats::print() const {
  if (!enabled) return;
  double total = 0;
  std::fprintf(stderr, "vg: stats:\n");
  for (const auto& [what, us] : m_marks) {
    std::fprintf(stderr, "vg:   %-16s %9.3f ms\n", what, us / 1000.0);
    total += us;
  }
  std::fprintf(stderr, "vg:   %-16s %9.3f ms\n", "total", total / 1000.0);
}

config::Config load_config_or_die(Context& ctx) {
  config::LoadOptions options;
  options.flags = ctx.config_flags;
  auto loaded = config::load(options);
  if (!loaded) throw Fatal(exit_code::k_config, loaded.error().message);
  ctx.stats.mark("config");
  return std::move(loaded).value();
}

}  // namespace vg
