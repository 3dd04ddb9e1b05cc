#pragma once
// Trusted repository configs. `vg config trust PATH` records the file's
// absolute path and the SHA-256 of its content in
// $XDG_STATE_HOME/vg/trusted-configs, one "HASH  PATH" line each; editing the
// file changes its hash, which revokes the trust.

#include <string>
#include <string_view>

#include "config/result.hpp"

namespace vg::config {

// Return whether the store `store_file` trusts `config_path` with exactly `content`.
bool is_trusted(const std::string& store_file, const std::string& config_path, std::string_view content);

// Record `config_path` with the hash of `content` in `store_file`, replacing
// any earlier line for it; written atomically (temp file + rename).
Result<void> trust_config(const std::string& store_file, const std::string& config_path, std::string_view content);

// Remove `config_path` from `store_file`; returns whether it was there.
Result<bool> untrust_config(const std::string& store_file, const std::string& config_path);

}  // namespace vg::config
