#pragma once
// Value syntax of config files: sizes ("100MB", "512KiB", bytes), durations
// ("30s", "15m", "24h", "7d", "1h30m", seconds) and booleans, both ways.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/result.hpp"

namespace vg::config {

// Parse a size: a plain integer is bytes; KB/MB/GB/TB are powers of 1000,
// KiB/MiB/GiB/TiB (and K/M/G/T) powers of 1024; "1.5GB" is allowed.
// The error text names the problem, without a location.
Result<std::uint64_t> parse_size(std::string_view text);

// Parse a duration into seconds: a plain integer is seconds; units s, m, h,
// d, w, combinable ("1h30m").
Result<std::uint64_t> parse_duration(std::string_view text);

// Parse a boolean: true/false, yes/no, on/off (any case); with
// `numeric` also 1/0 (used for environment variables).
std::optional<bool> parse_bool(std::string_view text, bool numeric = false);

// Format `bytes` with the largest unit that divides it exactly ("1GiB").
std::string format_size(std::uint64_t bytes);

// Format `seconds` with the largest unit that divides it exactly ("7d").
std::string format_duration(std::uint64_t seconds);

}  // namespace vg::config
