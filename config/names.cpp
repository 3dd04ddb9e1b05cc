// Names of config enums as written in YAML files, both ways.
#include <array>
#include <utility>

#include "config/config.hpp"

namespace vg::config {
namespace {

template <class E, std::size_t N>
std::optional<E> lookup(const std::array<std::pair<const char*, E>, N>& table, std::string_view s) {
  for (const auto& [name, value] : table) {
    if (s == name) return value;
  }
  return std::nullopt;
}

template <class E, std::size_t N>
const char* name_of(const std::array<std::pair<const char*, E>, N>& table, E e) {
  for (const auto& [name, value] : table) {
    if (value == e) return name;
  }
  return "?";
}

constexpr std::array<std::pair<const char*, Mode>, 4> k_modes{{
    {"always", Mode::always}, {"auto", Mode::automatic}, {"manual", Mode::manual}, {"disabled", Mode::disabled}}};
constexpr std::array<std::pair<const char*, Level>, 4> k_levels{{
    {"low", Level::low}, {"medium", Level::medium}, {"high", Level::high}, {"critical", Level::critical}}};
constexpr std::array<std::pair<const char*, Action>, 4> k_actions{{
    {"host", Action::host}, {"sandbox", Action::sandbox}, {"ask", Action::ask}, {"refuse", Action::refuse}}};
constexpr std::array<std::pair<const char*, CacheStrategy>, 3> k_strategies{{
    {"smart", CacheStrategy::smart}, {"aggressive", CacheStrategy::aggressive}, {"conservative", CacheStrategy::conservative}}};
constexpr std::array<std::pair<const char*, NetworkMode>, 3> k_network_modes{{
    {"none", NetworkMode::none}, {"restricted", NetworkMode::restricted}, {"full", NetworkMode::full}}};
constexpr std::array<std::pair<const char*, VolumeMode>, 3> k_volume_modes{{
    {"ro", VolumeMode::ro}, {"rw", VolumeMode::rw}, {"overlay", VolumeMode::overlay}}};
constexpr std::array<std::pair<const char*, Fallback>, 2> k_fallbacks{{
    {"none", Fallback::none}, {"host", Fallback::host}}};

}  // namespace

const char* to_string(Mode m) { return name_of(k_modes, m); }
const char* to_string(Level l) { return name_of(k_levels, l); }
const char* to_string(Action a) { return name_of(k_actions, a); }
const char* to_string(CacheStrategy s) { return name_of(k_strategies, s); }
const char* to_string(NetworkMode m) { return name_of(k_network_modes, m); }
const char* to_string(VolumeMode m) { return name_of(k_volume_modes, m); }
const char* to_string(Fallback f) { return name_of(k_fallbacks, f); }

std::optional<Mode> parse_mode(std::string_view s) { return lookup(k_modes, s); }
std::optional<Level> parse_level(std::string_view s) { return lookup(k_levels, s); }
std::optional<Action> parse_action(std::string_view s) { return lookup(k_actions, s); }

Action threshold_for(const RiskThreshold& t, Level level) {
  switch (level) {
    case Level::low: return t.low;
    case Level::medium: return t.medium;
    case Level::high: return t.high;
    case Level::critical: return t.critical;
  }
  return Action::refuse;
}

std::string Origin::to_string() const {
  if (line == 0) return source;
  return source + ":" + std::to_string(line) + ":" + std::to_string(column);
}

}  // namespace vg::config
