#pragma once
// Time as vg's files write it: RFC 3339 UTC, and durations such as "7d".

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace vg::router {

// Format `t` (seconds since the epoch) as "2026-11-22T07:09:43Z".
std::string rfc3339(std::time_t t);
// Format `t` with milliseconds: "2026-11-22T07:09:43.123Z".
std::string rfc3339_ms(std::int64_t unix_ms);
// Parse an RFC 3339 UTC time as written by rfc3339 (fraction ignored).
std::optional<std::time_t> parse_rfc3339(std::string_view s);
// Parse a duration "30s", "15m", "12h", "7d", "2w" into seconds.
std::optional<std::int64_t> parse_duration(std::string_view s);

}  // namespace vg::router
