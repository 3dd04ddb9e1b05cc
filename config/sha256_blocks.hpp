#pragma once
// The SHA-256 compression function over whole 64-byte blocks, with the x86
// SHA extensions when the CPU has them (config/sha256.hpp buffers and pads).

#include <cstddef>
#include <cstdint>

namespace vg::config {

// Compress `blocks` 64-byte blocks at `data` into `state` (a, b, ..., h).
using BlockFunction = void (*)(std::uint32_t state[8], const std::uint8_t* data, std::size_t blocks);

// The fastest implementation this CPU runs.
BlockFunction sha256_blocks();
// The portable implementation (tests compare the two).
BlockFunction sha256_blocks_portable();

}  // namespace vg::config
