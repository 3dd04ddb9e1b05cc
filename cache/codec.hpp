#pragma once
// A small binary encoding for everything the cache stores: varints and
// length-prefixed strings. A Reader never reads past its input; a truncated
// or damaged record makes `ok()` false instead of crashing.

#include <cstdint>
#include <string>
#include <string_view>

namespace vg::cache {

// Appends encoded values to a string.
class Writer {
 public:
  // Append `v` as a LEB128 varint.
  void u64(std::uint64_t v);
  // Append `v` zig-zag encoded.
  void i64(std::int64_t v) { u64((std::uint64_t(v) << 1) ^ std::uint64_t(v >> 63)); }
  // Append `s` with a length prefix.
  void str(std::string_view s);
  // The encoded bytes.
  const std::string& data() const { return m_out; }
  std::string take() { return std::move(m_out); }

 private:
  std::string m_out;
};

// Reads values written by Writer, in the same order.
class Reader {
 public:
  explicit Reader(std::string_view in) : m_in(in) {}
  std::uint64_t u64();
  std::int64_t i64() {
    std::uint64_t v = u64();
    return std::int64_t(v >> 1) ^ -std::int64_t(v & 1);
  }
  std::string str();
  // Read a count that is plausible for the bytes left (each item >= 1 byte).
  std::uint64_t count();
  // False once anything was truncated or malformed.
  bool ok() const { return m_ok; }
  bool at_end() const { return m_pos == m_in.size(); }

 private:
  std::string_view m_in;
  std::size_t m_pos = 0;
  bool m_ok = true;
};

// Encode `v` big-endian, so byte order sorts numerically (index keys).
std::string be64(std::uint64_t v);
// Decode a big-endian 8-byte prefix of `s`; 0 when too short.
std::uint64_t from_be64(std::string_view s);

}  // namespace vg::cache
