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

TEST(JsonRead, DuplicateMembersAreAnErrorAtAnyDepth) {
  auto top = parse_json(R"({"command": "ls", "command": "rm -rf ~"})");
  ASSERT_FALSE(top.ok());
  EXPECT_NE(top.error().message.find("duplicate member \"command\""), std::string::npos) << top.error().message;
  EXPECT_EQ(top.error().message.rfind("line 1, column 19:", 0), 0u) << top.error().message;
  EXPECT_FALSE(parse_json(R"({"tool_input": {"command": "ls", "x": 1, "command": "id"}})").ok());
  // The same name in sibling objects, or escaped differently but equal, is
  // checked on the decoded name.
  EXPECT_TRUE(parse_json(R"([{"a": 1}, {"a": 2}])").ok());
  EXPECT_FALSE(parse_json(R"({"a": 1, "\u0061": 2})").ok());
  // Past the scanned prefix too: each position of the repeat, in a large object.
  for (int dup : {3, 15, 16, 17, 40}) {
    std::string text = "{";
    for (int i = 0; i < 50; ++i) text += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ", ";
    text += "\"k" + std::to_string(dup) + "\": 0}";
    EXPECT_FALSE(parse_json(text).ok()) << dup;
  }
  std::string distinct = "{";
  for (int i = 0; i < 50; ++i) distinct += (i ? ", \"k" : "\"k") + std::to_string(i) + "\": 1";
  EXPECT_TRUE(parse_json(distinct + "}").ok());
}

}  // namespace
}  // namespace vg::router
