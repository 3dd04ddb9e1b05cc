// Choosing the sandbox backend named by `sandbox.runtime`. Each backend adds
// one branch here; an unknown or unavailable runtime is an Error, and the
// caller fails closed (the command never falls back to the host silently).
#include <string>
#include <vector>

#include "config/suggest.hpp"
#include "sandbox/launcher.hpp"
#include "sandbox/microvm/launcher.hpp"
#include "sandbox/mock.hpp"
#include "sandbox/namespace/namespace.hpp"

namespace vg::sandbox {

namespace {
const std::vector<std::string> k_runtimes{"namespace", "microvm", "mock"};
}  // namespace

Result<std::unique_ptr<Launcher>> make_launcher(const config::Config& config) {
  const std::string& runtime = config.sandbox.runtime;
  if (runtime == "mock") return make_mock_launcher(config.mock);
  if (runtime == "namespace") return make_namespace_launcher(config);
  if (runtime == "microvm") return microvm::make_microvm_launcher(config);
  if (runtime == "namespace" || runtime == "microvm") {
    return make_error("sandbox runtime '" + runtime + "' is not available in this build of vg; " +
                      "the command was not run (choose another with sandbox.runtime or --runtime)");
  }
  std::string hint = nearest(runtime, k_runtimes);
  return make_error("unknown sandbox runtime '" + runtime + "'" +
                    (hint.empty() ? "" : "; did you mean '" + hint + "'?") + " (known: namespace, microvm, mock)");
}

}  // namespace vg::sandbox
