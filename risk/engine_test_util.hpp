#pragma once
// Test helper: one engine with the built-in rules, shared by the risk tests.

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "risk/engine.hpp"

namespace vg::risk::test {

// The engine with the built-in rule packs (examples verified once).
inline Engine& engine() {
  static std::unique_ptr<Engine> e = [] {
    config::Config cfg;
    auto r = Engine::create(cfg, true);
    if (!r) {
      ADD_FAILURE() << r.error().message;
      std::abort();
    }
    return std::move(r.value());
  }();
  return *e;
}

// Does assessing `script` produce a finding of rule `id`?
inline bool finds(const std::string& script, const std::string& id) {
  auto a = engine().assess_script(script);
  return std::any_of(a.findings.begin(), a.findings.end(), [&](const Finding& f) { return f.rule == id; });
}

}  // namespace vg::risk::test
