#pragma once
#include <string>

namespace vg {
// The footer of `vg --help`: the exit-code table and where config lives.
std::string help_footer();
}  // namespace vg
