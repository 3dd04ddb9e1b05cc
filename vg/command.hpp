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

// Return the subcommand `name` of `app`, added with `description` when no
// file added it yet: several files may register under one name (`vg hook`
// holds the shell hook's `plan` and the agents' entries), in either order.
CLI::App* shared_subcommand(CLI::App& app, const char* name, const char* description);

}  // namespace vg
