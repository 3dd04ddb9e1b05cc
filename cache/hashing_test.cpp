#include <gtest/gtest.h>

#include "cache/codec.hpp"

namespace vg::cache {

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
