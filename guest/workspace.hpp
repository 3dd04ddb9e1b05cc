#pragma once
// The workspace inside the guest: the host's 9p share mounted read-only,
// under an overlay whose upper layer is guest tmpfs, at the host's path.

#include <string>

#include "guest/protocol.hpp"

namespace vg::guest {

// Where the read-only share and the overlay's upper layer live in the guest.
inline constexpr const char* k_lower_dir = "/run/vg/lower";
inline constexpr const char* k_rw_dir = "/run/vg/rw";
inline constexpr const char* k_upper_dir = "/run/vg/rw/upper";

// Mount the share and the overlay at `start.workspace`; return "" or what failed.
std::string mount_workspace(const proto::Start& start);
// Reset the guest clock to `host_time_ns` and mix `seed` into the entropy pool.
void refresh_clock_and_entropy(const proto::Start& start);

}  // namespace vg::guest
