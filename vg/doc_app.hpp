#pragma once
// The whole command-line definition, every registered command in it, for
// the documents generated from it (`vg completion`, `vg manpage`).

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "config/install_layout.hpp"
#include "vg/command.hpp"
#include "vg/context.hpp"
#include "vg/run.hpp"

namespace vg {

// Build the app with every command registered against `ctx` (which must
// outlive it); nothing is parsed or run.
inline std::unique_ptr<CLI::App> build_doc_app(Context& ctx) {
  auto app = std::make_unique<CLI::App>(k_description, "vg");
  add_root_options(*app, ctx);
  for (const auto& c : registered_commands()) c.fn(*app, ctx);
  return app;
}

// The light `vg` leaves out the cache's subcommands (vg/handoff.hpp): then
// continue in vg-full, which has them all, with the same arguments. Returns
// when this is vg-full, or when vg-full cannot be run (after a warning).
inline void complete_definition_or_hand_off(const CLI::App& app, const Context& ctx) {
  bool light = false;
  for (const CLI::App* s : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (s->get_name() == "cache" && s->get_subcommands([](const CLI::App*) { return true; }).empty()) light = true;
  }
  if (!light) return;
  std::string full = config::find_helper("vg-full");
  if (!full.empty()) {
    std::vector<char*> args{full.data()};
    for (std::size_t i = 1; i < ctx.argv.size(); ++i) args.push_back(const_cast<char*>(ctx.argv[i].c_str()));
    args.push_back(nullptr);
    ::execv(full.c_str(), args.data());
  }
  std::fprintf(stderr, "vg: warning: vg-full not found; 'vg cache' subcommands are left out\n");
}

}  // namespace vg
