#include "router/json_read.hpp"

#include <gtest/gtest.h>

#include "config/json.hpp"

namespace vg::router {
namespace {

TEST(JsonRead, ReadsNestedValues) {
  auto j = parse_json(R"( {"a": [1, -2.5e1, true, false, null], "b": {"c": "d\"\\\u00e9\ud83d\ude00"}} )");
  ASSERT_TRUE(j.ok()) << j.error().message;
  ASSERT_TRUE(j->is_object());
  const Json* a = j->get("a");
  ASSERT_TRUE(a && a->is_array());
  ASSERT_EQ(a->items.size(), 5u);
  EXPECT_EQ(a->items[0].number, 1);
  EXPECT_EQ(a->items[1].number, -25);
  EXPECT_TRUE(a->items[2].boolean);
  EXPECT_EQ(a->items[4].type, Json::Type::null);
  EXPECT_EQ(j->get("b")->get_string("c"), "d\"\\\xc3\xa9\xf0\x9f\x98\x80");
}

TEST(JsonRead, RoundTripsTheWriterIncludingControlBytes) {
  std::string nasty("a\x01\n\t\"b\\", 8);
  auto j = parse_json(json_escape(nasty));
  ASSERT_TRUE(j.ok()) << j.error().message;
  EXPECT_EQ(j->string, nasty);
}

TEST(JsonRead, ErrorsNameLineAndColumn) {
  auto j = parse_json("{\n  \"a\": tru\n}");
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.error().message.rfind("line 2, column 8:", 0), 0u) << j.error().message;
  EXPECT_FALSE(parse_json("{\"a\":1} x").ok());
  EXPECT_FALSE(parse_json("[1,]").ok());
  EXPECT_FALSE(parse_json("\"unterminated").ok());
  EXPECT_FALSE(parse_json("").ok());
  EXPECT_FALSE(parse_json(std::string(100, '[')).ok());  // depth limit, no stack overflow
}

}  // namespace
}  // namespace vg::router
