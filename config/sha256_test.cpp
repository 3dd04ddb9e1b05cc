// SHA-256 against the FIPS 180-4 / NIST test vectors.
#include "config/sha256.hpp"

#include <gtest/gtest.h>

#include <random>

namespace vg::config {
namespace {

TEST(Sha256, EmptyString) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, Abc) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, TwoBlockMessage) {
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, FourBlockMessage) {
  EXPECT_EQ(sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                       "mnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(Sha256, OneMillionAs) {
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, IncrementalUpdatesInOddPiecesMatchOneShot) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += static_cast<char>(i * 7 + 3);
  for (std::size_t piece : {1u, 3u, 63u, 64u, 65u, 127u}) {
    Sha256 h;
    for (std::size_t at = 0; at < data.size(); at += piece) h.update(std::string_view(data).substr(at, piece));
    EXPECT_EQ(h.finish_hex(), sha256_hex(data)) << "piece " << piece;
  }
}

TEST(Sha256, PaddingBoundaries) {
  // 55, 56 and 64 bytes exercise the one- and two-block padding paths.
  EXPECT_EQ(sha256_hex(std::string(55, 'a')), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(sha256_hex(std::string(56, 'a')), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  EXPECT_EQ(sha256_hex(std::string(64, 'a')), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST(Sha256, AcceleratedAndPortableBlocksAgreeAtEveryLength) {
  std::mt19937 rng(42);
  std::string data(5000, '\0');
  for (auto& c : data) c = char(rng());
  for (std::size_t n = 0; n <= 300; ++n) {
    std::string_view part(data.data(), n);
    Sha256 fast, portable(sha256_blocks_portable());
    fast.update(part);
    portable.update(part);
    EXPECT_EQ(fast.finish_hex(), portable.finish_hex()) << n;
  }
  // Odd-sized pieces through the buffer, then several whole blocks at once.
  Sha256 fast, portable(sha256_blocks_portable());
  for (std::size_t at = 0, step = 1; at < data.size(); at += step, step = step * 3 % 257 + 1) {
    auto piece = std::string_view(data).substr(at, step);
    fast.update(piece);
    portable.update(piece);
  }
  EXPECT_EQ(fast.finish_hex(), portable.finish_hex());
  // The known vectors through the portable blocks too (the fast ones run above).
  Sha256 million(sha256_blocks_portable());
  million.update(std::string(1000000, 'a'));
  EXPECT_EQ(million.finish_hex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, FieldsCannotCollideByConcatenation) {
  Sha256 a, b;
  a.update_field("ab");
  a.update_field("c");
  b.update_field("a");
  b.update_field("bc");
  EXPECT_NE(a.finish_hex(), b.finish_hex());
}

}  // namespace
}  // namespace vg::config
