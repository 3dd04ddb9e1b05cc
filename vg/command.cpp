#include "vg/command.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstring>

namespace vg {
namespace {
std::vector<RegisteredCommand>& registry() {
  static std::vector<RegisteredCommand> commands;
  return commands;
}
}  // namespace

CommandRegistration::CommandRegistration(const char* name, RegisterFn fn) { registry().push_back({name, fn}); }

std::vector<RegisteredCommand> registered_commands() {
  auto commands = registry();
  std::sort(commands.begin(), commands.end(),
            [](const RegisteredCommand& a, const RegisteredCommand& b) { return std::strcmp(a.name, b.name) < 0; });
  return commands;
}

CLI::App* shared_subcommand(CLI::App& app, const char* name, const char* description) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == name) return sub;
  }
  return app.add_subcommand(name, description);
}

}  // namespace vg
