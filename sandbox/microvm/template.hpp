#pragma once
// Template clones: a guest booted once, idle at its start-frame wait, is
// snapshotted into vg's data directory (`<data>/guest/templates/<key>/`):
// its RAM in `memory` (the template VM ran with that file as a shared
// memory backend) and its device state in `state` (migrated with
// x-ignore-shared, so RAM is not copied). A clone starts QEMU with
// `-incoming defer`, maps `memory` privately (copy-on-write), loads `state`
// and continues: no boot. The template has the 9p device but never mounted
// it (QEMU refuses to migrate a mounted share); clones mount their workspace.
//
// The key hashes everything the snapshot depends on (assets version, QEMU
// binary, the QEMU command line, memory size, accel, kernel arguments,
// protocol version). The manifest records the state file's SHA-256 and the
// memory file's size, inode, mtime and ctime: a template that does not match
// is never used, and is rebuilt.

#include <cstdint>
#include <functional>
#include <string>

#include "config/result.hpp"
#include "sandbox/microvm/accel.hpp"
#include "sandbox/microvm/assets.hpp"
#include "sandbox/microvm/qemu.hpp"

namespace vg::sandbox::microvm {

// What a template is built from.
struct TemplateOptions {
  Assets assets;
  Accel accel = Accel::tcg;
  std::uint64_t memory_mb = 512;
  std::string extra_append;  // VG_MICROVM_KERNEL_ARGS at build time
  std::string root;          // <data>/guest/templates
  std::function<void(const std::string&)> progress;
};

// A verified template.
struct Template {
  std::string dir;
  std::string memory;  // guest RAM image (map privately)
  std::string state;   // device state (migration stream)
  std::string key;
  std::uint64_t state_size = 0;
  std::string state_sha256;
};

// The lookup result: `found` (verified), or why not (`missing` is true when
// no template of this key exists at all, as opposed to a stale/corrupt one).
struct TemplateLookup {
  bool found = false;
  bool missing = false;
  Template tmpl;
  std::string why;
};

// Options for `assets`, `accel` and `memory_mb`, from the environment
// (VG_MICROVM_KERNEL_ARGS) and the assets' data directory.
TemplateOptions template_options(const Assets& assets, Accel accel, std::uint64_t memory_mb);

// False when VG_MICROVM_TEMPLATE=off (debugging, and tests of the cold path).
bool templates_enabled();

// The key of the template for `options`.
std::string template_key(const TemplateOptions& options);

// Find and verify the current template.
TemplateLookup find_template(const TemplateOptions& options);

// Build the current template (boot, snapshot, verify), replacing a stale or
// corrupt one; one builder at a time.
Result<Template> build_template(const TemplateOptions& options);

// A clone restored and running, its control socket connected (the guest
// greeted the template's builder; it now waits for a start frame).
struct Clone {
  Vm vm;
  int fd = -1;
};

// Why `tmpl` cannot be restored here, in one line naming the file and the
// error, or "" when it can: QEMU opens the memory image read-write even to
// map it copy-on-write, which a read-only mount or an immutable or
// unwritable file refuses.
std::string restore_blocker(const Template& tmpl);

// Start a clone of `tmpl` with `base`'s run directory, share and hidden
// paths (an Error saying restore_blocker() when it cannot be restored). The
// state file is re-hashed through the descriptor QEMU reads.
Result<Clone> start_clone(const Template& tmpl, const VmOptions& base);

}  // namespace vg::sandbox::microvm
