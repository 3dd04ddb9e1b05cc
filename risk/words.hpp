#pragma once
// Quote removal and the small text transformations bash applies to words:
// backslash escapes, double-quote escapes, $'...' ANSI-C strings, tilde,
// brace expansion, field splitting; plus lexical path normalization, and the
// decoders (printf formats, base64) the reader uses to follow evasions.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vg::risk {

// Remove backslash escapes from an unquoted word part (`\x` -> `x`, `\<newline>` -> nothing).
std::string unescape_unquoted(std::string_view s);
// Remove the escapes bash honours inside double quotes (`\$ \` \" \\ \<newline>`).
std::string unescape_double(std::string_view s);
// Decode the body of a `$'...'` string (without `$'` and `'`).
std::string decode_ansi_c(std::string_view body);
// Expand `{a,b}` brace groups in `word` (bounded to `limit` results); nullopt when there are none.
std::optional<std::vector<std::string>> brace_expand(std::string_view word, std::size_t limit = 64);
// Split `s` into fields on blanks and newlines (IFS default).
std::vector<std::string> split_fields(std::string_view s, std::string_view ifs = " \t\n");
// Normalize a path lexically: `~` -> `$HOME`, collapse `//`, `/./`, resolve `..`,
// drop a trailing `/` (keeps `/`). Words that are not paths come back unchanged.
std::string normalize_path(std::string_view word);
// The last component of a command word (`/usr/bin/rm` -> `rm`).
std::string_view base_name(std::string_view word);
// Apply a printf FORMAT to `args` (escapes, %s %b %c %d, %%); good enough to follow evasions.
std::string apply_printf(std::string_view format, const std::vector<std::string>& args);
// Decode standard or URL-safe base64, ignoring whitespace; nullopt when invalid.
std::optional<std::string> base64_decode(std::string_view s);

}  // namespace vg::risk
