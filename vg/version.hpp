#pragma once
namespace vg {
inline constexpr const char* k_version = "0.1.0";
}
