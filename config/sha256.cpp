#include "config/sha256.hpp"

#include <algorithm>
#include <cstring>

namespace vg::config {

Sha256::Sha256(BlockFunction blocks)
    : m_blocks(blocks),
      m_state{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19} {}

void Sha256::update(const void* data, std::size_t n) {
  const auto* p = static_cast<const std::uint8_t*>(data);
  m_length += n;
  if (m_buffered > 0) {
    std::size_t take = std::min(n, sizeof m_buffer - m_buffered);
    std::memcpy(m_buffer + m_buffered, p, take);
    m_buffered += take;
    p += take;
    n -= take;
    if (m_buffered < sizeof m_buffer) return;
    m_blocks(m_state, m_buffer, 1);
    m_buffered = 0;
  }
  if (n >= 64) {
    m_blocks(m_state, p, n / 64);
    p += n / 64 * 64;
    n %= 64;
  }
  std::memcpy(m_buffer, p, n);
  m_buffered = n;
}

void Sha256::update_field(std::string_view s) {
  std::uint64_t n = s.size();
  char len[8];
  for (int i = 0; i < 8; ++i) len[i] = char(n >> (8 * i));
  update(len, sizeof len);
  update(s);
}

std::array<std::uint8_t, 32> Sha256::finish() {
  std::uint64_t bits = m_length * 8;
  std::uint8_t pad[72] = {0x80};
  std::size_t pad_len = (m_buffered < 56 ? 56 : 120) - m_buffered;
  for (int i = 0; i < 8; ++i) pad[pad_len + std::size_t(i)] = std::uint8_t(bits >> (56 - 8 * i));
  update(pad, pad_len + 8);
  std::array<std::uint8_t, 32> out{};
  for (int i = 0; i < 8; ++i) {
    for (int j = 0; j < 4; ++j) out[std::size_t(4 * i + j)] = std::uint8_t(m_state[i] >> (24 - 8 * j));
  }
  return out;
}

std::string Sha256::finish_hex() {
  static constexpr char k_hex[] = "0123456789abcdef";
  auto digest = finish();
  std::string out(64, '0');
  for (std::size_t i = 0; i < digest.size(); ++i) {
    out[2 * i] = k_hex[digest[i] >> 4];
    out[2 * i + 1] = k_hex[digest[i] & 15];
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.finish_hex();
}

}  // namespace vg::config
