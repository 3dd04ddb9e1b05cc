#include "config/printable.hpp"

#include <gtest/gtest.h>

#include <string>

namespace vg {
namespace {

using namespace std::string_literals;

TEST(Printable, PlainAndUnicodeTextIsUnchanged) {
  EXPECT_EQ(printable("src/main.cpp"), "src/main.cpp");
  EXPECT_EQ(printable("a b \"quoted\" 'x' ~!@#$%^&*()"), "a b \"quoted\" 'x' ~!@#$%^&*()");
  EXPECT_EQ(printable("caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac/\xf0\x9f\x98\x80.txt"),
            "caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac/\xf0\x9f\x98\x80.txt");
  EXPECT_EQ(printable(""), "");
}

TEST(Printable, LineBreaksTabsAndEscapeSequencesAreShownNotActedOn) {
  EXPECT_EQ(printable("a\nvg: ok: forged"), "a\\nvg: ok: forged");
  EXPECT_EQ(printable("x\rvg: 0 refused"), "x\\rvg: 0 refused");
  EXPECT_EQ(printable("col1\tcol2"), "col1\\tcol2");
  EXPECT_EQ(printable("\x1b[2K\x1b[1A"), "\\e[2K\\e[1A");
  EXPECT_EQ(printable("bell\a back\b"), "bell\\x07 back\\x08");
  EXPECT_EQ(printable("del\x7f"), "del\\x7f");
  EXPECT_EQ(printable("nul"s + '\0' + "x"), "nul\\x00x");
}

TEST(Printable, BackslashIsEscapedSoTheOutputIsUnambiguous) {
  // Without this, a name spelled "a\\n" would print like a name holding a newline.
  EXPECT_EQ(printable("a\\n"), "a\\\\n");
  EXPECT_NE(printable("a\\n"), printable("a\n"));
}

TEST(Printable, InvalidUtf8IsShownByteByByte) {
  EXPECT_EQ(printable("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(printable("a\xc3"), "a\\xc3");                // truncated sequence
  EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf");         // overlong '/'
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a UTF-16 surrogate
  EXPECT_EQ(printable("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // past U+10FFFF
  EXPECT_EQ(printable("\x80x"), "\\x80x");                // a stray continuation byte
}

TEST(Printable, C1ControlsAndBidiOverridesAreEscaped) {
  EXPECT_EQ(printable("\xc2\x9b" "2J"), "\\xc2\\x9b2J");                 // U+009B, a one-byte CSI
  EXPECT_EQ(printable("evil\xe2\x80\xae" "txt.exe"), "evil\\xe2\\x80\\xaetxt.exe");  // U+202E
  EXPECT_EQ(printable("a\xe2\x80\xa8" "b"), "a\\xe2\\x80\\xa8b");        // U+2028 line separator
  EXPECT_EQ(printable("\xc2\xa0"), "\xc2\xa0");                          // U+00A0 is printable
}

}  // namespace
}  // namespace vg
