// Handlers for programs that run code: shells, interpreters, eval, source,
// trap, alias and awk (see reader_handlers.hpp).
#include <algorithm>

#include "risk/reader_args.hpp"
#include "risk/reader_handlers.hpp"

namespace vg::risk::detail {

Step run_shell(Reader& r, Call& k) {
  const auto& args = k.args;
  ShellCall call = shell_call(args);
  if (call.has_script) {
    auto saved = r.m_positional;
    std::vector<std::string> pos;
    bool all = true;
    for (std::size_t i = call.script_index + 2; i < args.size(); ++i)
      pos.push_back(args[i].text), all = all && args[i].resolved;
    r.m_positional = all ? std::optional(pos) : std::nullopt;
    auto saved0 = r.m_arg0;
    r.m_arg0.reset();
    if (call.script_index + 1 < args.size() && args[call.script_index + 1].resolved)
      r.m_arg0 = args[call.script_index + 1].text;
    const Arg& s = args[call.script_index];
    r.nested_script(s.text, s.resolved, s.origin, k.base, k.span, k.c);
    r.m_positional = saved;
    r.m_arg0 = saved0;
  } else if (!call.runs_file) {
    r.stdin_code(k.base, true, k.input, k.span, k.c);
  } else {
    const Arg& file = args[std::min(args.size() - 1, std::size_t{1})];
    if (!file.origin.empty()) r.nested_script("", false, file.origin, k.base, k.span, k.c);
  }
  return Step::done;
}

Step run_interpreter(Reader& r, Call& k) {
  InterpreterCallInfo info = interpreter_info(k.base, k.words);
  if (info.has_code) {
    const Arg& a = k.args[info.code_index];
    std::string code = info.inline_code.empty() ? a.text : info.inline_code;
    bool resolved = info.inline_code.empty() ? a.resolved : true;
    if (!resolved) {
      r.reason("`" + k.base + "` runs code that is only known at run time");
      if (!a.origin.empty()) r.m_model.pipelines.push_back(Fact{a.origin + " | " + k.base, k.span});
    }
    r.interpreter_code(k.base, code, k.span, k.c);
  } else if (!info.runs_file) {
    if (k.input) r.stdin_code(k.base, false, k.input, k.span, k.c);
  }
  return Step::done;
}

Step run_eval(Reader& r, Call& k) {
  auto [s, ok] = joined(k.args, 1);
  std::string origin;
  for (std::size_t i = 1; i < k.args.size(); ++i)
    if (!k.args[i].origin.empty()) origin = k.args[i].origin;
  r.nested_script(s, ok, origin, "eval", k.span, k.c);
  return Step::done;
}

Step run_source(Reader& r, Call& k) {
  if (k.args.size() > 1 && !k.args[1].origin.empty())
    r.nested_script("", false, k.args[1].origin, k.base, k.span, k.c);
  else if (k.args.size() > 1 && !k.args[1].resolved)
    r.reason("`" + k.base + "` reads a file only known at run time");
  return Step::done;
}

Step run_trap(Reader& r, Call& k) {
  if (k.args.size() > 2) r.nested_script(k.args[1].text, k.args[1].resolved, k.args[1].origin, "trap", k.span, k.c);
  return Step::done;
}

Step run_alias(Reader& r, Call& k) {
  for (std::size_t i = 1; i < k.args.size(); ++i) {
    auto eq = k.args[i].text.find('=');
    if (eq != std::string::npos)
      r.nested_script(k.args[i].text.substr(eq + 1), k.args[i].resolved, k.args[i].origin, "alias", k.span, k.c);
  }
  return Step::done;
}

Step run_awk(Reader& r, Call& k) {
  std::size_t i = 1;
  for (; i < k.args.size(); ++i) {
    const std::string& a = k.words[i];
    if (a == "-f" || starts_with(a, "--file")) return Step::done;
    if (a == "-F" || a == "-v" || a == "--assign" || a == "--field-separator") {
      ++i;
      continue;
    }
    if (a == "--") {
      ++i;
      break;
    }
    if (a.size() > 1 && a[0] == '-') continue;
    break;
  }
  if (i < k.args.size()) {
    r.m_model.code.push_back(Code{k.base, k.args[i].text, k.span});
    r.reason("`" + k.base + "` runs a program; vg scans it for known dangerous calls but cannot prove it safe");
  }
  return Step::done;
}

}  // namespace vg::risk::detail
