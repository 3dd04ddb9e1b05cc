#pragma once

namespace CLI {
class App;
}

namespace vg {

struct Context;

// What vg is, in one line: the top of `vg --help` and of vg(1).
inline constexpr const char* k_description = "vg: understands, scores and routes every command before it runs";

// Give `app` vg's own options (--version, --debug), its help footer and
// rules; the subcommands are added by their registrations.
void add_root_options(CLI::App& app, Context& ctx);

// Parse the command line, run the subcommand, return the process exit code.
// Every vg::Fatal and unexpected exception is caught here.
int run(int argc, char** argv);

}  // namespace vg
