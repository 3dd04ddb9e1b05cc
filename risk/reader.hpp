#pragma once
// The reader: parse a script with tree-sitter-bash and build the command
// model. It is both readers of the design: everything it cannot prove is
// recorded as a reason (the strict reader), while it still digs every
// command it can find out of the text (the permissive reader).

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "risk/model.hpp"

namespace vg::risk {

// Work bounds; exceeding one makes the script "not understood".
struct Limits {
  std::size_t max_input = 4u << 20;        // bytes of script text
  std::size_t max_nodes = 400000;          // tree nodes and words visited, nested scripts included
  std::size_t max_depth = 200;             // nesting of the tree walk
  std::size_t max_nesting = 12;            // nested scripts (sh -c in sh -c ...)
  std::chrono::microseconds max_time{250000};
};

// Does a command name have rules of its own (it is "known", not an unknown wrapper)?
using KnownCommand = std::function<bool(std::string_view base_name)>;

// Read `script` into a model.
Model read_script(std::string_view script, const Limits& limits, const KnownCommand& known);
// Read an argv that is executed directly (no shell); spans refer to the argv joined by spaces.
Model read_argv(const std::vector<std::string>& argv, const Limits& limits, const KnownCommand& known);

}  // namespace vg::risk
