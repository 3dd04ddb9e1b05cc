// `vg guest build`: prepare the microVM guest assets (kernel + initramfs) in
// vg's data directory; `vg guest path` prints where the current ones are.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "config/exit_codes.hpp"
#include "config/result.hpp"
#include "sandbox/microvm/assets.hpp"
#include "sandbox/microvm/files.hpp"
#include "vg/command.hpp"
#include "vg/context.hpp"

namespace vg {
namespace {

int guest_build(bool force) {
  auto options = sandbox::microvm::default_asset_options();
  options.progress = [](const std::string& line) { std::fprintf(stderr, "vg: guest: %s\n", line.c_str()); };
  if (!force) {
    if (auto found = sandbox::microvm::find_assets(options)) {
      std::fprintf(stderr, "vg: guest: assets %s are up to date\n", found->version.c_str());
      std::printf("%s\n", found->dir.c_str());
      return 0;
    }
  } else if (auto version = sandbox::microvm::asset_version(options)) {
    // A forced build starts from nothing; the old copy stays until the new one verifies.
    std::string dir = options.guest_root + "/" + *version;
    std::string aside = dir + ".replaced";
    sandbox::microvm::remove_tree(aside);
    std::rename(dir.c_str(), aside.c_str());
    auto rebuilt = sandbox::microvm::build_assets(options);
    if (!rebuilt) {
      std::rename(aside.c_str(), dir.c_str());
      throw Fatal(exit_code::k_sandbox_unavailable, "vg guest build: " + rebuilt.error().message);
    }
    sandbox::microvm::remove_tree(aside);
    std::printf("%s\n", rebuilt->dir.c_str());
    return 0;
  }
  auto built = sandbox::microvm::build_assets(options);
  if (!built) throw Fatal(exit_code::k_sandbox_unavailable, "vg guest build: " + built.error().message);
  std::fprintf(stderr, "vg: guest: built %s from %s\n", built->version.c_str(), built->kernel_package.c_str());
  std::printf("%s\n", built->dir.c_str());
  return 0;
}

int guest_path() {
  auto found = sandbox::microvm::find_assets(sandbox::microvm::default_asset_options());
  if (!found) throw Fatal(exit_code::k_sandbox_unavailable, found.error().message);
  std::printf("%s\n", found->dir.c_str());
  return 0;
}

void register_guest(CLI::App& app, Context& ctx) {
  auto* guest = app.add_subcommand("guest", "Manage the microVM guest assets (kernel, initramfs, agent)");
  guest->require_subcommand(1);
  auto force = std::make_shared<bool>(false);
  auto* build = guest->add_subcommand("build", "Build the guest assets from Debian packages and the vg-guest agent");
  build->add_flag("--force", *force, "Rebuild even when the current assets verify");
  build->callback([&ctx, force] { ctx.exit_code = guest_build(*force); });
  auto* path = guest->add_subcommand("path", "Print the directory of the current, verified guest assets");
  path->callback([&ctx] { ctx.exit_code = guest_path(); });
}

const CommandRegistration k_registration{"guest", register_guest};
}  // namespace
}  // namespace vg
