// microvm_driver: runs one command through the microVM backend directly,
// without the router, so the backend can be tested on its own.
//   microvm_driver [--workspace DIR] [--cwd DIR] [--build] -- CMD [ARGS...]
//   microvm_driver --warm DIR | --status | --stop      (the warm pool)
//   microvm_driver --template | --template-status      (the guest template)
//   --exclude GLOB (repeatable): the config's `exclude` list
//   --allow HOST (repeatable): network: restricted with this allowed_hosts entry
//   --timeout SECONDS: resources.timeout
//   --disk BYTES: resources.disk
// Prints each change and its verdict to stderr as "change: <accepted|refused> <path> <reason>",
// and "quarantine: DIR" when refused changes were kept.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/exit_codes.hpp"
#include "sandbox/launcher.hpp"
#include "sandbox/microvm/assets.hpp"
#include "sandbox/microvm/launcher.hpp"
#include "sandbox/microvm/pool.hpp"
#include "sandbox/microvm/pool_client.hpp"
#include "sandbox/microvm/template.hpp"

extern char** environ;

int main(int argc, char** argv) {
  using namespace vg;
  std::string workspace, cwd;
  bool build = false;
  std::vector<std::string> exclude;
  std::vector<std::string> allow;
  std::uint64_t timeout = 0;
  std::uint64_t disk = 0;
  int i = 1;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a == "--workspace" && i + 1 < argc) {
      workspace = argv[++i];
    } else if (a == "--cwd" && i + 1 < argc) {
      cwd = argv[++i];
    } else if (a == "--allow" && i + 1 < argc) {
      allow.push_back(argv[++i]);
    } else if (a == "--timeout" && i + 1 < argc) {
      timeout = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--disk" && i + 1 < argc) {
      disk = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--exclude" && i + 1 < argc) {
      exclude.push_back(argv[++i]);
    } else if (a == "--template" || a == "--template-status") {
      // Build (or just check) the guest template; print "ready KEY DIR" or why not.
      auto assets = sandbox::microvm::ensure_assets(sandbox::microvm::default_asset_options());
      if (!assets) {
        std::fprintf(stderr, "microvm_driver: %s\n", assets.error().message.c_str());
        return exit_code::k_sandbox_unavailable;
      }
      auto to = sandbox::microvm::template_options(*assets, sandbox::microvm::Accel::tcg, 512);
      auto found = sandbox::microvm::find_template(to);
      if (!found.found && a == "--template") {
        auto built = sandbox::microvm::build_template(to);
        if (!built) {
          std::fprintf(stderr, "microvm_driver: %s\n", built.error().message.c_str());
          return exit_code::k_sandbox_unavailable;
        }
        found = sandbox::microvm::find_template(to);
      }
      if (!found.found) {
        std::printf("%s %s\n", found.missing ? "missing" : "unusable", found.why.c_str());
        return 1;
      }
      std::printf("ready %s %s\n", found.tmpl.key.c_str(), found.tmpl.dir.c_str());
      return 0;
    } else if (a == "--build") {
      build = true;
    } else if (a == "--warm" && i + 1 < argc) {
      // Start the warm pool for a workspace and wait until a guest is ready.
      auto o = sandbox::microvm::default_asset_options();
      auto assets = sandbox::microvm::ensure_assets(o);
      if (!assets) {
        std::fprintf(stderr, "microvm_driver: %s\n", assets.error().message.c_str());
        return exit_code::k_sandbox_unavailable;
      }
      sandbox::microvm::PoolOptions po;
      po.workspace = argv[++i];
      po.assets = *assets;
      po.idle_seconds = 300;
      auto r = sandbox::microvm::warm_pool(po, 300000);
      if (!r) {
        std::fprintf(stderr, "microvm_driver: %s\n", r.error().message.c_str());
        return exit_code::k_sandbox_unavailable;
      }
      std::fprintf(stderr, "%s\n", r->c_str());
      return 0;
    } else if (a == "--status") {
      auto lines = sandbox::microvm::pool_status();
      if (!lines) {
        std::printf("not running\n");
        return 0;
      }
      for (const auto& l : *lines) std::printf("%s\n", l.c_str());
      return 0;
    } else if (a == "--stop") {
      return sandbox::microvm::stop_pool() ? 0 : 1;
    } else {
      std::fprintf(stderr, "microvm_driver: unknown argument %s\n", a.c_str());
      return exit_code::k_usage;
    }
  }
  if (build) {
    auto o = sandbox::microvm::default_asset_options();
    o.progress = [](const std::string& s) { std::fprintf(stderr, "build: %s\n", s.c_str()); };
    auto a = sandbox::microvm::build_assets(o);
    if (!a) {
      std::fprintf(stderr, "microvm_driver: %s\n", a.error().message.c_str());
      return exit_code::k_sandbox_unavailable;
    }
    std::printf("%s\n", a->dir.c_str());
    return 0;
  }
  if (i >= argc) {
    std::fprintf(stderr, "usage: microvm_driver [--workspace DIR] [--cwd DIR] -- CMD [ARGS...]\n");
    return exit_code::k_usage;
  }
  char buf[4096];
  std::string here = getcwd(buf, sizeof buf) ? buf : "/";
  config::Config config;
  config.sandbox.runtime = "microvm";
  config.microvm.accel = "tcg";
  auto launcher = sandbox::microvm::make_microvm_launcher(config);
  if (!launcher) {
    std::fprintf(stderr, "microvm_driver: %s\n", launcher.error().message.c_str());
    return exit_code::k_sandbox_unavailable;
  }
  sandbox::Spec spec;
  spec.argv.assign(argv + i, argv + argc);
  for (char** e = environ; *e; ++e) spec.env.emplace_back(*e);
  spec.cwd = cwd.empty() ? here : cwd;
  spec.workspace = workspace.empty() ? spec.cwd : workspace;
  spec.profile = config.sandbox;
  spec.profile.exclude = exclude;
  spec.profile.resources.timeout = timeout;
  spec.profile.resources.disk = disk;
  if (!allow.empty()) {
    spec.profile.network.mode = config::NetworkMode::restricted;
    spec.profile.network.allowed_hosts = allow;
  }
  auto out = (*launcher)->run(spec);
  if (!out) {
    std::fprintf(stderr, "vg: error: the sandbox could not start: %s\n", out.error().message.c_str());
    return exit_code::k_sandbox_unavailable;
  }
  for (const auto& c : out->changes) {
    std::fprintf(stderr, "change: %s %s %s\n", c.accepted ? "accepted" : "refused", c.path.c_str(), c.reason.c_str());
  }
  if (!out->quarantine.empty()) std::fprintf(stderr, "quarantine: %s\n", out->quarantine.c_str());
  return out->exit_code;
}
