// bench_microvm [RUNS]: time `true` through the microVM backend.
//   cold: QEMU start, guest boot, command, write set, teardown (no pool)
//   clone: the same with the guest restored from the guest template
//          (template built once beforehand, untimed)
//   restore: QEMU start + template state load until the clone runs (no command)
//   warm: the same with a guest taken from the warm pool (boot excluded)
// Prints min / median / max in milliseconds. Uses the real guest assets
// (built on first use) and a throwaway workspace.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "sandbox/microvm/assets.hpp"
#include "sandbox/microvm/launcher.hpp"
#include "sandbox/microvm/pool.hpp"
#include "sandbox/microvm/pool_client.hpp"
#include "sandbox/microvm/files.hpp"
#include "sandbox/microvm/runtime_dir.hpp"
#include "sandbox/microvm/template.hpp"

namespace {

using Clock = std::chrono::steady_clock;

void print(const char* what, std::vector<double> ms) {
  if (ms.empty()) {
    std::printf("%-34s no successful run\n", what);
    return;
  }
  std::sort(ms.begin(), ms.end());
  std::printf("%-34s min %8.1f ms  median %8.1f ms  max %8.1f ms  (n=%zu)\n", what, ms.front(), ms[ms.size() / 2],
              ms.back(), ms.size());
}

bool pool_ready() {
  auto lines = vg::sandbox::microvm::pool_status();
  if (!lines) return false;
  for (const auto& l : *lines) {
    if (l.rfind("ready", 0) == 0) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace vg;
  int runs = argc > 1 ? std::atoi(argv[1]) : 3;
  std::string ws = "/tmp/vg-bench-microvm-XXXXXX";
  if (!mkdtemp(ws.data())) return 1;

  auto options = sandbox::microvm::default_asset_options();
  auto assets = sandbox::microvm::ensure_assets(options);
  if (!assets) {
    std::fprintf(stderr, "bench_microvm: %s\n", assets.error().message.c_str());
    return 1;
  }
  config::Config config;
  config.microvm.accel = "auto";
  auto launcher = sandbox::microvm::make_microvm_launcher(config);
  if (!launcher) {
    std::fprintf(stderr, "bench_microvm: %s\n", launcher.error().message.c_str());
    return 1;
  }
  sandbox::Spec spec;
  spec.argv = {"true"};
  spec.env = {"PATH=/bin"};
  spec.cwd = ws;
  spec.workspace = ws;
  spec.profile = config.sandbox;

  sandbox::microvm::stop_pool();
  auto timed = [&](const char* what, std::vector<double>& into) {
    auto t0 = Clock::now();
    auto out = (*launcher)->run(spec);
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (out && out->exit_code == 0) into.push_back(ms);
    else std::fprintf(stderr, "%s run failed: %s\n", what, out ? "non-zero exit" : out.error().message.c_str());
  };
  std::vector<double> cold, clone, warm;
  setenv("VG_MICROVM_TEMPLATE", "off", 1);
  for (int i = 0; i < runs; ++i) timed("cold", cold);
  unsetenv("VG_MICROVM_TEMPLATE");
  std::string warning;
  auto accel = sandbox::microvm::choose_accel("auto", sandbox::microvm::probe_accel(), warning);
  auto to = sandbox::microvm::template_options(*assets, accel ? *accel : sandbox::microvm::Accel::tcg,
                                               config.microvm.memory >> 20);
  auto tmpl = sandbox::microvm::find_template(to);
  if (!tmpl.found) {
    if (auto built = sandbox::microvm::build_template(to); !built) {
      std::fprintf(stderr, "template: %s\n", built.error().message.c_str());
    }
  }
  for (int i = 0; i < runs; ++i) timed("clone", clone);
  std::vector<double> restore;
  if (auto found = sandbox::microvm::find_template(to); found.found) {
    for (int i = 0; i < runs; ++i) {
      auto dir = sandbox::microvm::make_run_dir("bench");
      if (!dir) break;
      sandbox::microvm::VmOptions vo;
      vo.assets = *assets;
      vo.accel = to.accel;
      vo.memory_mb = to.memory_mb;
      vo.run_dir = *dir;
      vo.share = ws;
      auto t0 = Clock::now();
      auto c = sandbox::microvm::start_clone(found.tmpl, vo);
      double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      if (c) {
        restore.push_back(ms);
        close(c->fd);
        sandbox::microvm::stop_vm(c->vm);
      } else {
        std::fprintf(stderr, "restore failed: %s\n", c.error().message.c_str());
        sandbox::microvm::remove_tree(*dir);
      }
    }
  }
  sandbox::microvm::PoolOptions po;
  po.workspace = ws;
  po.assets = *assets;
  po.idle_seconds = 120;
  po.accel = accel ? *accel : sandbox::microvm::Accel::tcg;
  auto started = sandbox::microvm::warm_pool(po, 600000);
  if (!started) std::fprintf(stderr, "warm pool: %s\n", started.error().message.c_str());
  for (int i = 0; started && i < runs; ++i) {
    // Wait (untimed) for the refill, so each run takes a ready guest.
    for (int w = 0; w < 6000 && !pool_ready(); ++w) usleep(100000);
    auto t0 = Clock::now();
    auto out = (*launcher)->run(spec);
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (out && out->exit_code == 0) warm.push_back(ms);
    else std::fprintf(stderr, "warm run failed\n");
  }
  sandbox::microvm::stop_pool();
  std::printf("microVM exec of `true` (accel %s)\n", to_string(po.accel));
  print("cold boot to command end", cold);
  print("template restore (no command)", restore);
  print("template-clone exec", clone);
  print("warm-pool exec", warm);
  rmdir(ws.c_str());
  return 0;
}
