#pragma once
// Subcommands register themselves: each vg/cmd_*.cpp holds one
//   static const CommandRegistration k_registration{"name", register_fn};
// and vg/CMakeLists.txt globs the files, so adding a command touches no
// shared file.

#include <vector>

namespace CLI {
class App;
}

namespace vg {

struct Context;
using RegisterFn = void (*)(CLI::App& app, Context& ctx);

struct CommandRegistration {
  CommandRegistration(const char* name, RegisterFn fn);
};

struct RegisteredCommand {
  const char* name;
  RegisterFn fn;
};

// Every registered subcommand, sorted by name.
std::vector<RegisteredCommand> registered_commands();

}  // namespace vg
