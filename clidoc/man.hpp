#pragma once
// Man pages (roff, man(7) macros) rendered from the model
// (clidoc/model.hpp), and a configuration-file page from a commented YAML
// file of defaults.

#include <string>
#include <vector>

#include "clidoc/model.hpp"

namespace vg::clidoc {

struct ManPage {
  std::string file;  // "vg.1", "vg-exec.1", "vg.5"
  std::string text;  // roff
};

// What every page shares.
struct ManInfo {
  std::string program;  // "vg"
  std::string version;  // "vg 0.1.0"
  std::string date;     // "2026-12-08"
  std::string manual;   // "vg manual"
};

// Render vg(1) from `commands` (the program's own entry first) and one page
// per top-level command, vg-COMMAND(1), which also covers its subcommands.
std::vector<ManPage> command_man_pages(const ManInfo& info, const std::vector<Command>& commands);

// Render PROGRAM(5) from `yaml`, a file of defaults in which every key
// carries its default and a `# comment` that says what it does; `intro` is
// roff for the DESCRIPTION before the key list.
ManPage config_man_page(const ManInfo& info, const std::string& yaml, const std::string& intro);

// Escape `text` for roff: backslashes, and a leading '.' or '\''.
std::string roff_escape(const std::string& text);

}  // namespace vg::clidoc
