#pragma once
// The data files of config/ compiled into the binary (config/CMakeLists.txt,
// vg_embed): "defaults.yaml" and the rule packs "rules/*.yaml".

#include <span>

#include "config/embedded.hpp"

namespace vg::config {

// Return every embedded file of config/, names relative to config/.
std::span<const vg::EmbeddedFile> embedded_files();

}  // namespace vg::config
