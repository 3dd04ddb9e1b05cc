#include "vg/command.hpp"

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

}  // namespace vg
