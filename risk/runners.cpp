// The table of programs that run another program by name (see runners.hpp).
#include "risk/runners.hpp"

#include <string_view>

#include "risk/unwrap.hpp"
#include "risk/words.hpp"

namespace vg::risk {

std::size_t runs_program_at(const std::vector<std::string>& argv) {
  if (argv.empty()) return 0;
  struct Runner {
    std::string_view program, verb;  // verb empty: the program itself runs it
    std::string_view value_options;  // comma-separated options that take a value
  };
  static const Runner k_runners[] = {
      {"npx", "", "-p,--package,-c,--call,-w,--workspace"}, {"pnpx", "", ""}, {"bunx", "", "-p,--package"},
      {"uvx", "", "--from,--with,--python,-p"},  {"pipx", "run", "--spec,--python"},
      {"npm", "exec", "-p,--package,-c,--call,-w,--workspace"}, {"npm", "x", "-p,--package"},
      {"pnpm", "exec", "--filter,-F,-C,--dir"}, {"pnpm", "dlx", "--package"}, {"yarn", "dlx", "-p,--package"},
      {"yarn", "exec", ""}, {"bun", "x", ""}, {"uv", "run", "--with,--python,-p,--package,--directory,--project,--group,--extra,--env-file"},
      {"poetry", "run", ""}, {"pipenv", "run", ""}, {"pdm", "run", ""}, {"hatch", "run", ""}, {"rye", "run", ""},
      {"bundle", "exec", ""}, {"bundler", "exec", ""}, {"conda", "run", "-n,--name,-p,--prefix"},
      {"mamba", "run", "-n,--name"}, {"micromamba", "run", "-n,--name"}, {"mise", "exec", ""}, {"mise", "x", ""},
      {"asdf", "exec", ""}, {"pyenv", "exec", ""}, {"rbenv", "exec", ""}, {"direnv", "exec", ""},
      {"dotenv", "", "-e,-f,-v,-c"}, {"dotenvx", "run", "-f,--env-file,-e"}, {"op", "run", "--env-file"},
      {"doppler", "run", "-p,--project,-c,--config"}, {"aws-vault", "exec", ""}, {"nyc", "", "--reporter,--exclude,--include,-r,-x,-n,--temp-dir,--report-dir"},
      {"c8", "", "--reporter,--exclude,--include,-r,-x,-n,--temp-directory,--reports-dir"}, {"cross-env", "", ""},
      {"env-cmd", "", "-f,--file,-e,--environments"},
      {"rlwrap", "", "-a,-b,-C,-D,-e,-f,-g,-H,-I,-l,-m,-M,-o,-O,-p,-P,-q,-S,-s,-t,-w,-z"},
      {"perf", "stat", "-e,--event,-p,--pid,-t,--tid,-o,--output,-r,--repeat,-I,-C,-G,-x,--field-separator"},
      {"perf", "record", "-e,--event,-p,--pid,-t,--tid,-o,--output,-F,--freq,-c,--count,-C,-g,--call-graph,-m"},
      {"perf", "trace", "-e,--event,-p,--pid,-o,--output"}, {"dotenv-cli", "", "-e"}, {"concurrently", "", ""},
  };
  std::string_view base = base_name(argv[0]);
  for (const Runner& r : k_runners) {
    if (r.program != base) continue;
    std::size_t i = 1;
    if (!r.verb.empty()) {
      while (i < argv.size() && argv[i].size() > 1 && argv[i][0] == '-') ++i;  // the tool's own flags
      if (i >= argv.size() || argv[i] != r.verb) continue;
      ++i;
    }
    for (; i < argv.size(); ++i) {
      const std::string& a = argv[i];
      if (a == "--") return i + 1 < argv.size() ? i + 1 : 0;
      if (a.size() > 1 && a[0] == '-') {
        std::string_view name = std::string_view(a).substr(0, a.find('='));
        bool takes = false;
        for (std::size_t s = 0; s <= r.value_options.size();) {
          std::size_t comma = r.value_options.find(',', s);
          if (comma == std::string_view::npos) comma = r.value_options.size();
          if (r.value_options.substr(s, comma - s) == name && a.find('=') == std::string::npos) takes = true;
          s = comma + 1;
        }
        if (takes) ++i;
        continue;
      }
      if (base == "cross-env" && a.find('=') != std::string::npos) continue;  // NAME=VALUE
      return i;
    }
    return 0;
  }
  // python -m MODULE ARGS: MODULE runs as a program (pip, venv, http.server, pytest).
  if (classify(base) == Runs::interpreter && argv.size() > 2 && (argv[1] == "-m" || argv[1] == "-mpip")) return 2;
  return 0;
}

}  // namespace vg::risk
