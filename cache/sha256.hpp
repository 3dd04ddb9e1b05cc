#pragma once
// SHA-256 for cache keys and content addresses. Cache-local until
// config/sha256.hpp lands; the API mirrors it so the switch is a rename.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace vg::cache {

// Incremental SHA-256 (FIPS 180-4).
class Sha256 {
 public:
  Sha256();
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
  void block(const std::uint8_t* p);
  std::uint32_t m_h[8];
  std::uint8_t m_buf[64];
  std::size_t m_fill = 0;
  std::uint64_t m_bytes = 0;
};

// Return the hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

// Return `bytes` as lowercase hex.
std::string to_hex(const std::uint8_t* bytes, std::size_t n);

}  // namespace vg::cache
