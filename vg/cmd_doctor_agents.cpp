// `vg doctor` check of the coding agents' hooks (vg/doctor.hpp): which
// harnesses have vg's hook in their settings (user and project scope), and
// whether each answers: a real round trip through the hook command as the
// harness would run it (agents/status.hpp), a harmless command and `rm -rf /`.
#include <cstdlib>
#include <string>

#include "agents/settings.hpp"
#include "agents/status.hpp"
#include "vg/doctor.hpp"

namespace vg {
namespace {

using doctor::Finding;
using doctor::Status;

Finding check_agents(const doctor::Env& env) {
  agents::Places places;
  const char* home = std::getenv("HOME");
  places.home = home && *home ? home : "/";
  const char* codex = std::getenv("CODEX_HOME");
  places.codex_home = codex && *codex ? codex : "";
  places.project = agents::project_root(env.cwd);
  auto connections = agents::connection_status(places, true);
  if (connections.empty()) {
    return {Status::skip, "no coding agent has vg's hook", "vg connect claude-code|codex|gemini|cursor installs it"};
  }
  std::string detail;
  bool all_answer = true;
  for (const auto& c : connections) {
    detail += (detail.empty() ? "" : "; ") + std::string(agents::to_string(c.harness)) + " (" + c.path + "): " +
              (c.answered ? "answers" : "does not answer: " + c.detail);
    all_answer = all_answer && c.answered;
  }
  if (all_answer) return {Status::ok, detail, ""};
  return {Status::fail, detail, "vg connect HARNESS again (it rewrites the hook's command), or vg connect --status"};
}

const doctor::CheckRegistration k_agents{{"agents", "coding-agent hooks", 10, nullptr, check_agents}};

}  // namespace
}  // namespace vg
