#pragma once
// SHA-256 (FIPS 180-4), written here so vg needs no crypto library: used for
// trusted repository configs and for cache keys.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace vg::config {

// Incremental SHA-256: update() any number of times, then finish() once.
class Sha256 {
 public:
  Sha256();
  // Feed `data` into the hash.
  void update(std::string_view data);
  // Return the 32-byte digest; the object must not be updated afterwards.
  std::array<std::uint8_t, 32> finish();
  // Return the digest as 64 lowercase hex digits (calls finish()).
  std::string finish_hex();

 private:
  void block(const std::uint8_t* p);
  std::array<std::uint32_t, 8> m_state;
  std::array<std::uint8_t, 64> m_buffer{};
  std::size_t m_buffered = 0;
  std::uint64_t m_length = 0;  // bytes hashed so far
};

// Return the SHA-256 of `data` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);

}  // namespace vg::config
