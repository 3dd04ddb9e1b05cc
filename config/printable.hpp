#pragma once
// Names a sandboxed command chose (file names, symlink targets) made safe to
// print: nothing in them can move the cursor, erase a line, forge one of vg's
// own lines or split a tab-separated record.

#include <string>
#include <string_view>

namespace vg {

// Return `text` with C-style escapes for every byte a terminal or a
// line-based reader could act on: `\t`, `\n`, `\r`, `\e` (ESC), `\\` for a
// backslash, and `\xNN` for any other C0 control, DEL, each byte of invalid
// UTF-8 and each byte of a C1 control, bidirectional override or line/paragraph
// separator. Valid printable UTF-8 is returned unchanged.
std::string printable(std::string_view text);

}  // namespace vg
