#pragma once
// The schema: apply one layer (a YAML document, or one dotted key from the
// environment or the command line) onto a Config, validating every key and
// value and recording where each value came from.

#include <string>
#include <string_view>

#include "config/config.hpp"
#include "config/result.hpp"

namespace YAML {
class Node;
}

namespace vg::config {

// Where the values of one layer come from.
struct LayerSource {
  enum class Kind { builtin, file, env, flag };
  Kind kind = Kind::file;
  std::string origin;    // Origin::source: "default", a path, "env VG_MODE", "flag"
  std::string label;     // error prefix when positions mean nothing: "VG_MODE", "flag sandbox.mode"
  std::string file;      // file name for `file:line:column` (file and builtin layers)
  std::string base_dir;  // relative paths in values resolve against this directory
  std::string home;      // `~` in paths expands to this
};

// Apply the document `root` of `layer` onto `config`. Every problem is an
// Error starting with `file:line:column: `; `config` may then be half-changed
// and must be dropped by the caller.
Result<void> apply_document(const YAML::Node& root, const LayerSource& layer, Config& config);

// Apply `value` to the dotted key `key` ("sandbox.network.mode"), as written
// in an environment variable or a flag; errors start with `layer.label`.
Result<void> apply_key(std::string_view key, std::string_view value, const LayerSource& layer, Config& config);

}  // namespace vg::config
