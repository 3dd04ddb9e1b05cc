#include "config/values.hpp"

#include <array>
#include <cctype>
#include <cmath>
#include <limits>
#include <utility>

namespace vg::config {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// A number with an optional fraction: "12", "1.5". Returns the number of
// characters consumed (0 when there is no number).
std::size_t scan_number(std::string_view s, long double& out) {
  std::size_t i = 0;
  long double value = 0;
  bool digits = false;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    value = value * 10 + (s[i] - '0');
    digits = true;
    ++i;
  }
  if (i < s.size() && s[i] == '.') {
    long double scale = 0.1L;
    std::size_t j = i + 1;
    bool frac = false;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) {
      value += (s[j] - '0') * scale;
      scale /= 10;
      frac = true;
      ++j;
    }
    if (frac) {
      i = j;
      digits = true;
    }
  }
  if (!digits) return 0;
  out = value;
  return i;
}

constexpr std::uint64_t k_ki = 1024;
constexpr std::array<std::pair<const char*, std::uint64_t>, 14> k_size_units{{
    {"b", 1},
    {"kb", 1000},
    {"mb", 1000ull * 1000},
    {"gb", 1000ull * 1000 * 1000},
    {"tb", 1000ull * 1000 * 1000 * 1000},
    {"k", k_ki},
    {"m", k_ki * k_ki},
    {"g", k_ki * k_ki * k_ki},
    {"t", k_ki * k_ki * k_ki * k_ki},
    {"kib", k_ki},
    {"mib", k_ki * k_ki},
    {"gib", k_ki * k_ki * k_ki},
    {"tib", k_ki * k_ki * k_ki * k_ki},
    {"bytes", 1},
}};

constexpr std::array<std::pair<const char*, std::uint64_t>, 5> k_duration_units{{
    {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}, {"w", 7 * 86400}}};

}  // namespace

Result<std::uint64_t> parse_size(std::string_view text) {
  std::string_view s = trim(text);
  if (s.empty()) return make_error("empty size; expected e.g. 512MiB, 2GB or a number of bytes");
  if (s.front() == '-') return make_error("negative size '" + std::string(text) + "'");
  long double number = 0;
  std::size_t used = scan_number(s, number);
  if (used == 0) {
    return make_error("invalid size '" + std::string(text) + "'; expected e.g. 512MiB, 2GB or a number of bytes");
  }
  std::string unit = lower(trim(s.substr(used)));
  std::uint64_t factor = 0;
  if (unit.empty()) factor = 1;
  for (const auto& [name, f] : k_size_units) {
    if (unit == name) factor = f;
  }
  if (factor == 0) {
    return make_error("unknown size unit '" + std::string(trim(s.substr(used))) + "' in '" + std::string(text) +
                      "'; expected B, KB, MB, GB, TB, KiB, MiB, GiB or TiB");
  }
  long double bytes = std::floor(number * static_cast<long double>(factor));
  if (bytes > static_cast<long double>(std::numeric_limits<std::int64_t>::max())) {
    return make_error("size '" + std::string(text) + "' is too large");
  }
  return static_cast<std::uint64_t>(bytes);
}

Result<std::uint64_t> parse_duration(std::string_view text) {
  std::string_view s = trim(text);
  if (s.empty()) return make_error("empty duration; expected e.g. 30s, 15m, 24h, 7d or a number of seconds");
  if (s.front() == '-') return make_error("negative duration '" + std::string(text) + "'");
  long double total = 0;
  bool any = false;
  while (!s.empty()) {
    long double number = 0;
    std::size_t used = scan_number(s, number);
    if (used == 0) {
      return make_error("invalid duration '" + std::string(text) +
                        "'; expected e.g. 30s, 15m, 24h, 7d, 1h30m or a number of seconds");
    }
    s.remove_prefix(used);
    s = trim(s);
    std::size_t unit_len = 0;
    while (unit_len < s.size() && std::isalpha(static_cast<unsigned char>(s[unit_len]))) ++unit_len;
    std::string unit = lower(s.substr(0, unit_len));
    s.remove_prefix(unit_len);
    s = trim(s);
    std::uint64_t factor = 0;
    if (unit.empty()) {
      if (any || !s.empty()) {
        return make_error("invalid duration '" + std::string(text) + "'; every number needs a unit (s, m, h, d, w)");
      }
      factor = 1;
    }
    for (const auto& [name, f] : k_duration_units) {
      if (unit == name) factor = f;
    }
    if (factor == 0) {
      return make_error("unknown duration unit '" + unit + "' in '" + std::string(text) + "'; expected s, m, h, d or w");
    }
    total += number * static_cast<long double>(factor);
    any = true;
  }
  if (total > static_cast<long double>(std::numeric_limits<std::int64_t>::max())) {
    return make_error("duration '" + std::string(text) + "' is too large");
  }
  return static_cast<std::uint64_t>(std::floor(total));
}

std::optional<bool> parse_bool(std::string_view text, bool numeric) {
  std::string s = lower(trim(text));
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  if (numeric && s == "1") return true;
  if (numeric && s == "0") return false;
  return std::nullopt;
}

std::string format_size(std::uint64_t bytes) {
  if (bytes == 0) return "0";
  static constexpr std::array<std::pair<const char*, std::uint64_t>, 8> k_units{{
      {"TiB", k_ki * k_ki * k_ki * k_ki},
      {"GiB", k_ki * k_ki * k_ki},
      {"MiB", k_ki * k_ki},
      {"KiB", k_ki},
      {"TB", 1000ull * 1000 * 1000 * 1000},
      {"GB", 1000ull * 1000 * 1000},
      {"MB", 1000ull * 1000},
      {"KB", 1000},
  }};
  for (const auto& [name, f] : k_units) {
    if (bytes % f == 0) return std::to_string(bytes / f) + name;
  }
  return std::to_string(bytes);
}

std::string format_duration(std::uint64_t seconds) {
  if (seconds == 0) return "0";
  static constexpr std::array<std::pair<const char*, std::uint64_t>, 4> k_units{{
      {"d", 86400}, {"h", 3600}, {"m", 60}, {"s", 1}}};
  for (const auto& [name, f] : k_units) {
    if (seconds % f == 0) return std::to_string(seconds / f) + name;
  }
  return std::to_string(seconds) + "s";
}

}  // namespace vg::config
