// `vg manpage DIR` (hidden; run by the build): write vg(1), vg-COMMAND(1)
// and vg(5) into DIR, generated from the command-line definition and the
// built-in defaults (clidoc/), the same sources as --help and
// `vg config defaults`.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>

#include "clidoc/man.hpp"
#include "clidoc/model.hpp"
#include "config/embedded_files.hpp"
#include "config/exit_codes.hpp"
#include "config/files.hpp"
#include "config/result.hpp"
#include "vg/command.hpp"
#include "vg/context.hpp"
#include "vg/doc_app.hpp"
#include "vg/version.hpp"

namespace vg {
namespace {

constexpr const char* k_config_intro = R"(vg reads its settings from layers of YAML files; a later layer overrides
single keys of an earlier one:
.IP 1. 4
the built-in defaults (printed by \fBvg config defaults\fR);
.IP 2. 4
\fI/etc/vg/config.yaml\fR;
.IP 3. 4
\fI$XDG_CONFIG_HOME/vg/config.yaml\fR (default \fI~/.config/vg/config.yaml\fR);
.IP 4. 4
the nearest \fI.vg.yaml\fR from the working directory up, which may only
tighten settings unless trusted with \fBvg config trust\fR;
.IP 5. 4
\fBVG_*\fR environment variables;
.IP 6. 4
command-line flags.
.PP
\fBvg config show\fR prints every effective value and its origin;
\fBvg config check\fR validates a file. A file that does not load runs no
command: the error names \fIfile:line:column\fR and vg exits 78.
)";

// The date of the pages: SOURCE_DATE_EPOCH when set (reproducible builds).
std::string page_date() {
  std::time_t t = std::time(nullptr);
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch && *epoch) t = std::strtoll(epoch, nullptr, 10);
  char buf[32];
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

void write_file(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) throw Fatal(exit_code::k_internal, "fopen(\"" + path + "\"): " + std::strerror(errno));
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok) throw Fatal(exit_code::k_internal, "write(\"" + path + "\"): " + std::strerror(errno));
}

int write_pages(Context& ctx, const std::string& dir) {
  Context doc_ctx;
  auto app = build_doc_app(doc_ctx);
  complete_definition_or_hand_off(*app, ctx);
  if (auto made = make_dirs(dir, 0755); !made) throw Fatal(exit_code::k_internal, made.error().message);
  clidoc::ManInfo info{"vg", std::string("vg ") + k_version, page_date(), "vg manual"};
  auto pages = clidoc::command_man_pages(info, clidoc::describe(*app));
  for (const auto& f : config::embedded_files()) {
    if (f.name == "defaults.yaml") pages.push_back(clidoc::config_man_page(info, std::string(f.text), k_config_intro));
  }
  for (const auto& page : pages) write_file(dir + "/" + page.file, page.text);
  std::printf("%zu man pages written to %s\n", pages.size(), dir.c_str());
  return 0;
}

void register_manpage(CLI::App& app, Context& ctx) {
  auto dir = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("manpage", "Write vg's man pages into DIR");
  cmd->group("");  // for the build and packagers, not for everyday use
  cmd->add_option("dir", *dir, "The directory to write into")->required();
  cmd->callback([&ctx, dir] { ctx.exit_code = write_pages(ctx, *dir); });
}

const CommandRegistration k_registration{"manpage", register_manpage};

}  // namespace
}  // namespace vg
