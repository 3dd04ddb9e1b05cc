#pragma once
// The warm pool: a small background process that keeps pre-booted guests
// (template clones when a valid template exists, else cold boots) for one
// workspace, each waiting for its start frame, and hands one over
// (its control socket, by SCM_RIGHTS) to the `vg exec` that asks, then boots
// a replacement. It listens on `<runtime_dir>/pool.sock` (mode 0700 dir),
// and exits after a quiet spell once no guest it handed out still runs.

#include <cstdint>
#include <string>
#include <vector>

#include "config/result.hpp"
#include "sandbox/microvm/accel.hpp"
#include "sandbox/microvm/assets.hpp"

namespace vg::sandbox::microvm {

// What the pool keeps ready.
struct PoolOptions {
  std::string workspace;       // the 9p share of the pooled guests
  Assets assets;
  Accel accel = Accel::tcg;
  std::uint64_t memory_mb = 512;
  std::vector<std::string> exclude;  // config `exclude`: hidden from the guests, with `.env*`
  int size = 1;                // guests kept ready
  int idle_seconds = 900;      // exit after this long without a request
};

// The pool socket path.
Result<std::string> pool_socket_path();

// Ask the running pool to keep `options` ready, or start a pool process in
// the background. With `wait_ready_ms` > 0, wait until a guest is ready.
// Returns a line for the user.
Result<std::string> warm_pool(const PoolOptions& options, int wait_ready_ms);

// Ask the running pool to kill its guests and exit; false when none runs.
bool stop_pool();

// Serve the pool in this process until it is idle or stopped (the body of
// the background process).
void serve_pool(const PoolOptions& options, int listen_fd);

}  // namespace vg::sandbox::microvm
