#pragma once
// `vg doctor`'s checks: a small registry, so that a section is added by one
// new file and touches no shared one. Each file vg/cmd_doctor_*.cpp (globbed
// with the commands, vg/CMakeLists.txt) holds
//   static const doctor::CheckRegistration k_x{{"section", "name", order, required, run}};
// `vg doctor` runs every registered check, sorted by section and order.

#include <sys/types.h>

#include <algorithm>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace vg::doctor {

enum class Status {
  ok,    // works
  warn,  // works, with a limit the detail names
  fail,  // does not work
  skip,  // not needed here (another runtime, or not root)
};

// What a check found: what works or why not, and what to do about it.
struct Finding {
  Status status = Status::ok;
  std::string detail;
  std::string fix;  // empty when there is nothing to do
};

// What the checks look at: the effective configuration and the caller.
struct Env {
  config::Config config;
  uid_t uid = 0;
  std::string cwd;
};

struct Check {
  const char* section;  // "sandbox", "microvm", "files", ...
  const char* name;     // "user namespaces"
  int order;            // within its section
  // True when the configured sandbox cannot run if this check fails; nullptr: never.
  bool (*required)(const Env&);
  Finding (*run)(const Env&);
};

// Every registered check, in registration order.
inline std::vector<Check>& registry() {
  static std::vector<Check> checks;
  return checks;
}

struct CheckRegistration {
  explicit CheckRegistration(Check c) { registry().push_back(c); }
};

// Return every check, sorted by section then order.
inline std::vector<Check> registered_checks() {
  auto checks = registry();
  std::stable_sort(checks.begin(), checks.end(), [](const Check& a, const Check& b) {
    int s = std::string(a.section).compare(b.section);
    return s != 0 ? s < 0 : a.order < b.order;
  });
  return checks;
}

// Required-predicates shared by the check files.
inline bool for_namespace(const Env& e) { return e.config.sandbox.runtime == "namespace"; }
inline bool for_microvm(const Env& e) { return e.config.sandbox.runtime == "microvm"; }
inline bool for_any_sandbox(const Env& e) { return e.config.sandbox.runtime != "mock"; }

}  // namespace vg::doctor
