#pragma once
// A data file compiled into the binary by cmake/Embed.cmake.

#include <span>
#include <string_view>

namespace vg {

struct EmbeddedFile {
  std::string_view name;  // path relative to the folder that embedded it
  std::string_view text;
};

}  // namespace vg
