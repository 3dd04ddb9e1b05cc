// Handlers for builtins that change the reader's own state: the working
// directory (cd, pushd) and the positional parameters (set --). See
// reader_handlers.hpp.
#include "risk/reader_args.hpp"
#include "risk/reader_handlers.hpp"
#include "risk/words.hpp"

namespace vg::risk::detail {

Step run_cd(Reader& r, Call& k) {
  const auto& args = k.args;
  std::string dir = args.size() > 1 ? args.back().text : "$HOME";
  bool known_dir = args.size() <= 1 || args.back().resolved;
  bool conditional = (k.c.flags & (k_in_loop | k_in_conditional | k_in_function | k_in_substitution)) != 0;
  bool relative = known_dir && !conditional && !dir.empty() && dir[0] != '/' && dir[0] != '~' && dir[0] != '$' &&
                  dir != "-" && dir != ".." && dir.rfind("../", 0) != 0 && dir.find("/..") == std::string::npos;
  r.m_below_workspace = relative && (r.m_below_workspace || !r.m_cwd);
  if (!known_dir || conditional || dir == "-") {
    r.m_cwd.reset();
  } else if (dir[0] == '/' || dir[0] == '~' || dir.rfind("$HOME", 0) == 0) {
    r.m_cwd = normalize_path(dir);
  } else if (r.m_cwd) {
    r.m_cwd = normalize_path(*r.m_cwd + "/" + dir);
  }
  return Step::done;
}

Step run_set(Reader& r, Call& k) {
  // `set -- a b c` (or `set a b c`) sets the positional parameters.
  const auto& args = k.args;
  std::size_t i = 1;
  while (i < args.size() && args[i].text.size() > 1 && (args[i].text[0] == '-' || args[i].text[0] == '+') &&
         args[i].text != "--")
    ++i;
  if (i < args.size() && args[i].text == "--") ++i;
  if (i < args.size() || (args.size() > 1 && args.back().text == "--")) {
    std::vector<std::string> pos;
    bool all = true;
    for (std::size_t j = i; j < args.size(); ++j) pos.push_back(args[j].text), all = all && args[j].resolved;
    r.m_positional = all ? std::optional(pos) : std::nullopt;
  }
  return Step::done;
}

}  // namespace vg::risk::detail
