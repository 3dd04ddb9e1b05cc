#include "cache/sha256.hpp"

namespace vg::cache {

void Sha256::update_field(std::string_view s) {
  std::uint64_t n = s.size();
  char len[8];
  for (int i = 0; i < 8; ++i) len[i] = char(n >> (8 * i));
  m_hash.update(std::string_view(len, sizeof len));
  m_hash.update(s);
}

}  // namespace vg::cache
