#pragma once
// The guest's boot assets (kernel + initramfs) in vg's data directory:
// `<data>/guest/<version>/`, built from Debian packages and the vg-guest
// agent, checked against a manifest of SHA-256 digests before every use.
// A build happens in a temporary directory and is renamed into place, so a
// half-built or corrupt version is never used.

#include <functional>
#include <string>

#include "config/result.hpp"

namespace vg::sandbox::microvm {

// A verified, ready-to-boot set of assets.
struct Assets {
  std::string dir;             // <data>/guest/<version>
  std::string kernel;          // vmlinux (ELF with a PVH entry)
  std::string initrd;          // uncompressed newc cpio
  std::string version;         // "v2-<hash of agent and busybox>"
  std::string kernel_package;  // the Debian package the kernel came from
};

// Inputs of the asset builder.
struct AssetOptions {
  std::string guest_root;      // <data>/guest
  std::string agent;           // the static vg-guest binary
  std::string busybox = "/bin/busybox";
  std::string kernel_deb;      // use this .deb instead of `apt-get download` (env VG_GUEST_KERNEL_DEB)
  std::function<void(const std::string&)> progress;  // one line per step, for stderr
};

// Return the default options: the data dir from config::dirs(), the agent
// found beside vg or in the build tree, VG_GUEST_KERNEL_DEB from the environment.
AssetOptions default_asset_options();

// Return the agent path vg would use ("" when none is found).
std::string find_agent();

// The version directory name for the current agent and busybox; an Error
// when either cannot be read.
Result<std::string> asset_version(const AssetOptions& options);

// Verified assets of the current version, or an Error saying why not
// (missing, stale manifest, a digest mismatch).
Result<Assets> find_assets(const AssetOptions& options);

// Build the current version (replacing a corrupt one) and verify it.
Result<Assets> build_assets(const AssetOptions& options);

// find_assets, else build_assets with progress lines.
Result<Assets> ensure_assets(const AssetOptions& options);

}  // namespace vg::sandbox::microvm
