#pragma once

namespace vg {

// Parse the command line, run the subcommand, return the process exit code.
// Every vg::Fatal and unexpected exception is caught here.
int run(int argc, char** argv);

}  // namespace vg
