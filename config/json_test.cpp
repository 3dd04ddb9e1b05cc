#include "config/json.hpp"

#include <gtest/gtest.h>

#include <string>

namespace vg {
namespace {

TEST(Json, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(json_escape("a\"b\\c\n\t"), "\"a\\\"b\\\\c\\n\\t\"");
  EXPECT_EQ(json_escape(std::string("x\0y", 3)), "\"x\\u0000y\"");
  EXPECT_EQ(json_escape("\x1b[0m"), "\"\\u001b[0m\"");
}

TEST(Json, KeepsValidUtf8AndReplacesInvalid) {
  EXPECT_EQ(json_escape("h\xc3\xa9"), "\"h\xc3\xa9\"");
  EXPECT_EQ(json_escape("\xff\xc3"), "\"\\ufffd\\ufffd\"");
  EXPECT_EQ(json_escape("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");  // surrogate
}

TEST(Json, WriterNestsWithCommas) {
  JsonWriter w;
  w.begin_object().key("a").value(1).key("b").begin_array().value("x").value(true).end_array().key("c").null().end_object();
  EXPECT_EQ(w.str(), "{\"a\":1,\"b\":[\"x\",true],\"c\":null}");
}

}  // namespace
}  // namespace vg
