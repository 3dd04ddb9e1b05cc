#pragma once
// Getting a guest for one command, fastest first: a ready guest from the
// warm pool, else a clone of the guest template (built on first use; a
// stale or corrupt template is rebuilt, a failed restore falls back), else
// a cold boot.

#include <cstdint>
#include <memory>
#include <string>

#include "config/result.hpp"
#include "sandbox/microvm/accel.hpp"
#include "sandbox/microvm/assets.hpp"
#include "sandbox/microvm/hide.hpp"
#include "sandbox/microvm/qemu.hpp"
#include "sandbox/microvm/session.hpp"

namespace vg::sandbox::microvm {

// Where the guest came from.
enum class GuestSource { pool, clone, cold };

// What the command needs from its guest.
struct GuestRequest {
  Assets assets;
  Accel accel = Accel::tcg;
  std::uint64_t memory_mb = 512;
  std::string workspace;  // shared read-only over 9p
  std::string run_dir;    // a fresh private directory for this VM
  HiddenPaths hidden;     // covered in QEMU's mount namespace
};

// A guest ready for its start frame.
struct Guest {
  Vm vm;
  std::unique_ptr<Channel> channel;
  bool greeted = false;  // its hello was already read (pool, clone)
  GuestSource source = GuestSource::cold;
};

// Get a guest for `request`; notes (template rebuilt, restore failed) go to
// stderr as one line each.
Result<Guest> acquire_guest(const GuestRequest& request);

}  // namespace vg::sandbox::microvm
