// `vg init bash|zsh|fish`: print the shell hook to eval from an rc file.
#include <CLI/CLI.hpp>
#include <climits>
#include <cstdio>
#include <string>
#include <unistd.h>

#include "config/exit_codes.hpp"
#include "config/files.hpp"
#include "config/result.hpp"
#include "shell-hooks/embedded.hpp"
#include "shell-hooks/plan.hpp"
#include "vg/command.hpp"
#include "vg/context.hpp"

namespace vg {
namespace {

// The running binary, so the hook finds vg even when PATH changes.
std::string self_path() {
  std::string path = read_link("/proc/self/exe");
  if (path.empty()) throw Fatal(exit_code::k_internal, "readlink(\"/proc/self/exe\") failed: cannot tell where vg is installed");
  return path;
}

// Quote `text` as one word for `shell`.
std::string quote_for(hooks::Shell shell, const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += shell == hooks::Shell::fish ? "\\'" : "'\\''";
    else if (c == '\\' && shell == hooks::Shell::fish) out += "\\\\";
    else out.push_back(c);
  }
  return out + "'";
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

int print_init(Context& ctx, const std::string& shell_name) {
  auto shell = hooks::parse_shell(shell_name);
  if (!shell) {
    throw Fatal(exit_code::k_usage, "unknown shell '" + shell_name + "'; vg init knows bash, zsh and fish");
  }
  config::Config config = load_config_or_die(ctx);
  std::string file = std::string("init.") + hooks::to_string(*shell);
  for (const auto& f : hooks::hook_files()) {
    if (f.name != file) continue;
    std::string text(f.text);
    replace_all(text, "@VG_BIN@", quote_for(*shell, self_path()));
    std::string on_missing = config.hooks.on_missing == "refuse" ? "refuse" : "warn";
    replace_all(text, "@ON_MISSING@", on_missing);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  throw Fatal(exit_code::k_internal, "the " + file + " hook is missing from this vg build");
}

void register_init(CLI::App& app, Context& ctx) {
  auto shell = std::make_shared<std::string>();
  auto* init = app.add_subcommand("init", "Print the shell hook: eval \"$(vg init zsh)\" in ~/.zshrc");
  init->add_option("shell", *shell, "bash, zsh or fish")->required();
  init->callback([&ctx, shell] { ctx.exit_code = print_init(ctx, *shell); });
}

const CommandRegistration k_registration{"init", register_init};

}  // namespace
}  // namespace vg
