#include "cache/codec.hpp"

namespace vg::cache {

void Writer::u64(std::uint64_t v) {
  while (v >= 0x80) {
    m_out.push_back(char((v & 0x7f) | 0x80));
    v >>= 7;
  }
  m_out.push_back(char(v));
}

void Writer::str(std::string_view s) {
  u64(s.size());
  m_out.append(s);
}

std::uint64_t Reader::u64() {
  std::uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (m_pos >= m_in.size()) {
      m_ok = false;
      return 0;
    }
    auto b = std::uint8_t(m_in[m_pos++]);
    v |= std::uint64_t(b & 0x7f) << shift;
    if (!(b & 0x80)) return v;
  }
  m_ok = false;
  return 0;
}

std::string Reader::str() {
  std::uint64_t n = u64();
  if (!m_ok || n > m_in.size() - m_pos) {
    m_ok = false;
    return {};
  }
  std::string s(m_in.substr(m_pos, n));
  m_pos += n;
  return s;
}

std::uint64_t Reader::count() {
  std::uint64_t n = u64();
  if (!m_ok || n > m_in.size() - m_pos) {
    m_ok = false;
    return 0;
  }
  return n;
}

std::string be64(std::uint64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = char(v >> (56 - 8 * i));
  return s;
}

std::uint64_t from_be64(std::string_view s) {
  if (s.size() < 8) return 0;
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | std::uint8_t(s[i]);
  return v;
}

}  // namespace vg::cache
