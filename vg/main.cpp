#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "config/exit_codes.hpp"
#include "vg/run.hpp"

int main(int argc, char** argv) {
  int code = vg::run(argc, argv);
  // Everything vg owns is closed when run() returns. Skipping the static
  // destructors (RocksDB's option tables in vg-full, CLI11's and the
  // standard library's) saves about a tenth of a host run; stdio is flushed
  // by hand, and a failed flush of stdout is an error like any other.
  std::cout.flush();
  bool flushed = std::fflush(stdout) == 0 && !std::cout.bad();
  if (!flushed) std::fprintf(stderr, "vg: error: could not write the output to stdout\n");
  std::fflush(stderr);
  std::_Exit(flushed ? code : (code != 0 ? code : vg::exit_code::k_internal));
}
