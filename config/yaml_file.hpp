#pragma once
// Reading config files: the file system and yaml-cpp's parser adapted to
// Result, every failure named `file[:line:column]: message`.

#include <optional>
#include <string>
#include <string_view>

#include <yaml-cpp/node/node.h>

#include "config/result.hpp"

namespace vg::config {

// Read the config file `path`: nullopt when it does not exist (that is
// fine), an Error naming the file when it exists but cannot be read (EACCES,
// a directory, too large).
Result<std::optional<std::string>> read_config_file(const std::string& path);

// Parse `text` as one YAML document; syntax errors are `file:line:column: ...`.
Result<YAML::Node> parse_yaml(std::string_view text, const std::string& file);

}  // namespace vg::config
