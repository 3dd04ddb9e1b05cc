#pragma once
// Hashing for cache keys and content addresses, on top of config's SHA-256:
// adds byte-pointer input and length-prefixed fields (so that concatenated
// fields cannot collide).

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/sha256.hpp"

namespace vg::cache {

// Incremental SHA-256 with field framing.
class Sha256 {
 public:
  // Feed `n` bytes at `data`.
  void update(const void* data, std::size_t n) { m_hash.update(std::string_view(static_cast<const char*>(data), n)); }
  // Feed the bytes of `s`.
  void update(std::string_view s) { m_hash.update(s); }
  // Feed `s` with a length prefix, so concatenations cannot collide.
  void update_field(std::string_view s);
  // Finish and return the 32-byte digest; the object must not be reused.
  std::array<std::uint8_t, 32> finish() { return m_hash.finish(); }
  // Finish and return the digest as 64 lowercase hex digits.
  std::string finish_hex() { return m_hash.finish_hex(); }

 private:
  config::Sha256 m_hash;
};

// Return the hex SHA-256 of `data`.
inline std::string sha256_hex(std::string_view data) { return config::sha256_hex(data); }

}  // namespace vg::cache
