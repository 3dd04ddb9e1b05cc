// Sizes, durations and booleans as written in config files.
#include "config/values.hpp"

#include <gtest/gtest.h>

namespace vg::config {
namespace {

std::uint64_t size_of(std::string_view s) {
  auto r = parse_size(s);
  EXPECT_TRUE(r.ok()) << s << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : 0;
}

std::uint64_t seconds_of(std::string_view s) {
  auto r = parse_duration(s);
  EXPECT_TRUE(r.ok()) << s << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : 0;
}

TEST(Values, SizesInDecimalAndBinaryUnits) {
  EXPECT_EQ(size_of("100MB"), 100000000u);
  EXPECT_EQ(size_of("2GB"), 2000000000u);
  EXPECT_EQ(size_of("512KiB"), 512u * 1024);
  EXPECT_EQ(size_of("1GiB"), 1u << 30);
  EXPECT_EQ(size_of("3TiB"), 3ull << 40);
  EXPECT_EQ(size_of("4096"), 4096u);
  EXPECT_EQ(size_of("0"), 0u);
  EXPECT_EQ(size_of("12 B"), 12u);
  EXPECT_EQ(size_of("1.5GiB"), 3ull << 29);
  EXPECT_EQ(size_of("64m"), 64u << 20);
  EXPECT_EQ(size_of("2g"), 2ull << 30);
}

TEST(Values, BadSizesAreErrors) {
  EXPECT_NE(parse_size("-1MB").error().message.find("negative size"), std::string::npos);
  EXPECT_NE(parse_size("12 parsecs").error().message.find("unknown size unit 'parsecs'"), std::string::npos);
  EXPECT_NE(parse_size("MB").error().message.find("invalid size"), std::string::npos);
  EXPECT_NE(parse_size("").error().message.find("empty size"), std::string::npos);
  EXPECT_NE(parse_size("99999999999TiB").error().message.find("too large"), std::string::npos);
}

TEST(Values, Durations) {
  EXPECT_EQ(seconds_of("30s"), 30u);
  EXPECT_EQ(seconds_of("15m"), 900u);
  EXPECT_EQ(seconds_of("24h"), 86400u);
  EXPECT_EQ(seconds_of("7d"), 604800u);
  EXPECT_EQ(seconds_of("2w"), 1209600u);
  EXPECT_EQ(seconds_of("1h30m"), 5400u);
  EXPECT_EQ(seconds_of("300"), 300u);
  EXPECT_EQ(seconds_of("1.5h"), 5400u);
}

TEST(Values, BadDurationsAreErrors) {
  EXPECT_NE(parse_duration("-5s").error().message.find("negative duration"), std::string::npos);
  EXPECT_NE(parse_duration("5 fortnights").error().message.find("unknown duration unit 'fortnights'"),
            std::string::npos);
  EXPECT_NE(parse_duration("1h30").error().message.find("every number needs a unit"), std::string::npos);
  EXPECT_NE(parse_duration("soon").error().message.find("invalid duration"), std::string::npos);
  EXPECT_FALSE(parse_duration("5ms").ok());
}

TEST(Values, Booleans) {
  EXPECT_EQ(parse_bool("true"), true);
  EXPECT_EQ(parse_bool("False"), false);
  EXPECT_EQ(parse_bool("yes"), true);
  EXPECT_EQ(parse_bool("off"), false);
  EXPECT_EQ(parse_bool("1"), std::nullopt);
  EXPECT_EQ(parse_bool("1", true), true);
  EXPECT_EQ(parse_bool("0", true), false);
  EXPECT_EQ(parse_bool("maybe", true), std::nullopt);
}

TEST(Values, FormatPicksTheLargestExactUnit) {
  EXPECT_EQ(format_size(1u << 30), "1GiB");
  EXPECT_EQ(format_size(100000000), "100MB");
  EXPECT_EQ(format_size(1000), "1KB");
  EXPECT_EQ(format_size(1001), "1001");
  EXPECT_EQ(format_size(0), "0");
  EXPECT_EQ(format_duration(604800), "7d");
  EXPECT_EQ(format_duration(5400), "90m");
  EXPECT_EQ(format_duration(61), "61s");
  EXPECT_EQ(format_duration(0), "0");
}

TEST(Values, FormattedValuesParseBack) {
  for (std::uint64_t n : {1ull, 1000ull, 1024ull, 123456789ull, 5ull << 40}) {
    EXPECT_EQ(size_of(format_size(n)), n);
  }
  for (std::uint64_t n : {1ull, 60ull, 3600ull, 86400ull, 90061ull}) {
    EXPECT_EQ(seconds_of(format_duration(n)), n);
  }
}

}  // namespace
}  // namespace vg::config
