#pragma once
// The risk engine: parse a command line with tree-sitter-bash, normalize it
// into simple commands, and score it with the rule packs.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/result.hpp"
#include "risk/assessment.hpp"

namespace vg::risk {

class Engine {
 public:
  // Build an engine from the embedded rule packs plus `config.rules.paths`.
  // Rules are compiled lazily; loading checks every rule's examples only
  // when `verify_examples` is set (tests, `vg check --verify-rules`).
  static Result<std::unique_ptr<Engine>> create(const config::Config& config,
                                                bool verify_examples = false);
  virtual ~Engine() = default;

  // Assess a shell script (one command line as typed).
  virtual Assessment assess_script(std::string_view script) = 0;
  // Assess an argv that will be executed directly (no shell).
  virtual Assessment assess_argv(const std::vector<std::string>& argv) = 0;
};

}  // namespace vg::risk
