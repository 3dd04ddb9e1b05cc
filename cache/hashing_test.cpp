#include <gtest/gtest.h>

#include "cache/codec.hpp"
#include "cache/sha256.hpp"
#include "config/sha256.hpp"

#include <random>

namespace vg::cache {

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, BothBlockFunctionsMatchConfigSha256) {
  std::mt19937 rng(42);
  std::string data(5000, '\0');
  for (auto& c : data) c = char(rng());
  for (std::size_t n = 0; n <= 300; ++n) {
    std::string_view part(data.data(), n);
    std::string expected = config::sha256_hex(part);
    EXPECT_EQ(sha256_hex(part), expected) << n;
    Sha256 portable(sha256_blocks_portable());
    portable.update(part);
    EXPECT_EQ(portable.finish_hex(), expected) << n;
  }
  // Odd-sized pieces through the buffer, then several whole blocks at once.
  Sha256 fast, portable(sha256_blocks_portable());
  for (std::size_t at = 0, step = 1; at < data.size(); at += step, step = step * 3 % 257 + 1) {
    auto piece = std::string_view(data).substr(at, step);
    fast.update(piece);
    portable.update(piece);
  }
  std::string expected = config::sha256_hex(data);
  EXPECT_EQ(fast.finish_hex(), expected);
  EXPECT_EQ(portable.finish_hex(), expected);
}

TEST(Sha256, IncrementalEqualsOneShot) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += char(i * 7);
  for (std::size_t split : {0u, 1u, 63u, 64u, 65u, 500u, 999u}) {
    Sha256 h;
    h.update(std::string_view(data).substr(0, split));
    h.update(std::string_view(data).substr(split));
    EXPECT_EQ(h.finish_hex(), sha256_hex(data)) << split;
  }
}

TEST(Sha256, FieldsCannotCollideByConcatenation) {
  Sha256 a, b;
  a.update_field("ab");
  a.update_field("c");
  b.update_field("a");
  b.update_field("bc");
  EXPECT_NE(a.finish_hex(), b.finish_hex());
}

TEST(Codec, RoundTrip) {
  Writer w;
  w.u64(0);
  w.u64(300);
  w.u64(~0ull);
  w.i64(-5);
  w.str("hello");
  w.str(std::string("\0\xff", 2));
  Reader r(w.data());
  EXPECT_EQ(r.u64(), 0u);
  EXPECT_EQ(r.u64(), 300u);
  EXPECT_EQ(r.u64(), ~0ull);
  EXPECT_EQ(r.i64(), -5);
  EXPECT_EQ(r.str(), "hello");
  EXPECT_EQ(r.str(), std::string("\0\xff", 2));
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.at_end());
}

TEST(Codec, TruncatedInputIsNotOkAndDoesNotCrash) {
  Writer w;
  w.str("a fairly long string");
  std::string data = w.data();
  for (std::size_t n = 0; n < data.size(); ++n) {
    Reader r(std::string_view(data).substr(0, n));
    r.str();
    EXPECT_FALSE(r.ok()) << n;
  }
  Reader huge("\xff\xff\xff\xff\x0f");
  EXPECT_EQ(huge.count(), 0u);
  EXPECT_FALSE(huge.ok());
}

}  // namespace vg::cache
