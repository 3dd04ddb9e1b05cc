// `vg completion bash|zsh|fish`: a completion script generated from vg's own
// command-line definition (clidoc/), so it knows every command and option.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "clidoc/completion.hpp"
#include "clidoc/model.hpp"
#include "config/exit_codes.hpp"
#include "config/keys.hpp"
#include "config/result.hpp"
#include "vg/command.hpp"
#include "vg/context.hpp"
#include "vg/doc_app.hpp"

namespace vg {
namespace {

using clidoc::ValueSpec;
using clidoc::Values;

ValueSpec words(std::vector<std::string> w) { return {Values::words, std::move(w), ""}; }

// What the values of vg's arguments complete to, by "PATH ARG". Whatever is
// not here completes to nothing (free text) or, for options, to no files.
clidoc::Hints completion_hints() {
  std::vector<std::string> keys;
  for (const auto& k : config::all_keys()) keys.emplace_back(k.path);
  const ValueSpec shells = words({"bash", "zsh", "fish"});
  const ValueSpec files{Values::files, {}, ""};
  const ValueSpec commands{Values::commands, {}, ""};
  // The ids `vg cache ls` prints in its first column, asked at completion time.
  const ValueSpec cache_ids{Values::dynamic, {}, "command vg cache ls 2>/dev/null | awk 'NR > 1 { print $1 }'"};
  return {
      {"init shell", shells},
      {"completion shell", shells},
      {"hook plan --shell", shells},
      {"help command", {Values::subcommands, {}, ""}},
      {"exec command", commands},
      {"explain command", commands},
      {"cache why command", commands},
      {"exec --mode", words({"always", "auto", "manual", "disabled"})},
      {"exec --runtime", words({"namespace", "microvm", "mock"})},
      {"log --level", words({"low", "medium", "high", "critical"})},
      {"config get key", words(keys)},
      {"config check file", files},
      {"config trust path", files},
      {"config untrust path", files},
      {"cache show key", cache_ids},
      {"cache rm key", cache_ids},
  };
}

int print_completion(Context& ctx, const std::string& shell) {
  if (shell != "bash" && shell != "zsh" && shell != "fish") {
    throw Fatal(exit_code::k_usage, "unknown shell '" + shell + "'; vg completion knows bash, zsh and fish");
  }
  Context doc_ctx;
  auto app = build_doc_app(doc_ctx);
  complete_definition_or_hand_off(*app, ctx);
  auto commands = clidoc::describe(*app, completion_hints());
  std::string text = shell == "bash"  ? clidoc::bash_completion("vg", commands)
                     : shell == "zsh" ? clidoc::zsh_completion("vg", commands)
                                      : clidoc::fish_completion("vg", commands);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

void register_completion(CLI::App& app, Context& ctx) {
  auto shell = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("completion", "Print the shell completion script: source <(vg completion bash)");
  cmd->add_option("shell", *shell, "bash, zsh or fish")->required();
  cmd->footer(
      "\nInstalled packages put these where the shells look: bash-completion's completions/vg,\n"
      "zsh's vendor-completions/_vg and fish's vendor_completions.d/vg.fish.");
  cmd->callback([&ctx, shell] { ctx.exit_code = print_completion(ctx, *shell); });
}

const CommandRegistration k_registration{"completion", register_completion};

}  // namespace
}  // namespace vg
