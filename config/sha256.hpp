#pragma once
// SHA-256 (FIPS 180-4), written here so vg needs no crypto library: trusted
// repository configs, cache keys and content addresses, guest assets. Byte
// input and length-prefixed fields (so that concatenated fields cannot
// collide), on the x86 SHA extensions when present (config/sha256_blocks.hpp).

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/sha256_blocks.hpp"

namespace vg::config {

// Incremental SHA-256 with field framing.
class Sha256 {
 public:
  explicit Sha256(BlockFunction blocks = sha256_blocks());
  // Feed `n` bytes at `data`.
  void update(const void* data, std::size_t n);
  // Feed the bytes of `s`.
  void update(std::string_view s) { update(s.data(), s.size()); }
  // Feed `s` with a length prefix, so concatenations cannot collide.
  void update_field(std::string_view s);
  // Finish and return the 32-byte digest; the object must not be reused.
  std::array<std::uint8_t, 32> finish();
  // Finish and return the digest as 64 lowercase hex digits.
  std::string finish_hex();

 private:
  BlockFunction m_blocks;
  std::uint32_t m_state[8];
  std::uint8_t m_buffer[64];
  std::size_t m_buffered = 0;
  std::uint64_t m_length = 0;  // bytes fed so far
};

// Return the hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace vg::config
