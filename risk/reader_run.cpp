// run_argv: record one simple command, then follow what it runs —
// wrappers (unwrapped option-aware, repeatedly), shells, interpreters,
// eval/source, find -exec, xargs, ssh and container exec — and the public
// entry points read_script / read_argv.
#include <algorithm>

#include "risk/reader_impl.hpp"
#include "risk/unwrap.hpp"
#include "risk/words.hpp"

namespace vg::risk::detail {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::vector<std::string> texts(const std::vector<Arg>& args) {
  std::vector<std::string> out;
  out.reserve(args.size());
  for (const auto& a : args) out.push_back(a.text);
  return out;
}

std::vector<Arg> tail(const std::vector<Arg>& args, std::size_t from) {
  if (from >= args.size()) return {};
  return std::vector<Arg>(args.begin() + static_cast<std::ptrdiff_t>(from), args.end());
}

std::pair<std::string, bool> joined(const std::vector<Arg>& args, std::size_t from, std::size_t to = ~std::size_t{0}) {
  std::string s;
  bool resolved = true;
  for (std::size_t i = from; i < args.size() && i < to; ++i) {
    if (i > from) s.push_back(' ');
    s += args[i].text;
    resolved = resolved && args[i].resolved;
  }
  return {s, resolved};
}

// The value of option `opt` (e.g. "-c" / "--command") in args[from..): attached
// (-cX, --command=X) or next word. Returns the index holding it, or npos.
std::size_t option_value(const std::vector<Arg>& args, std::size_t from, std::string_view short_opt,
                         std::string_view long_opt, std::string& attached) {
  for (std::size_t i = from; i < args.size(); ++i) {
    const std::string& a = args[i].text;
    if (a == "--") return std::string::npos;
    if (!long_opt.empty() && a == long_opt) return i + 1 < args.size() ? i + 1 : std::string::npos;
    if (!long_opt.empty() && starts_with(a, std::string(long_opt) + "=")) {
      attached = a.substr(long_opt.size() + 1);
      return i;
    }
    if (!short_opt.empty() && a == short_opt) return i + 1 < args.size() ? i + 1 : std::string::npos;
    if (short_opt.size() == 2 && a.size() > 2 && a[0] == '-' && a[1] != '-' && a.back() == short_opt[1] &&
        a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", 1) == std::string::npos)
      return i + 1 < args.size() ? i + 1 : std::string::npos;  // -qc SCRIPT
    if (!short_opt.empty() && a.size() > 2 && starts_with(a, short_opt) && a[1] != '-') {
      attached = a.substr(2);
      return i;
    }
  }
  return std::string::npos;
}

struct ShellCall {
  bool has_script = false;
  std::size_t script_index = 0;
  bool runs_file = false;
  bool reads_stdin = false;
};

ShellCall shell_call(const std::vector<Arg>& args) {
  ShellCall call;
  bool dash_c = false;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i].text;
    if (a == "--") {
      if (dash_c && i + 1 < args.size()) call.has_script = true, call.script_index = i + 1;
      else if (i + 1 < args.size()) call.runs_file = true;
      return call;
    }
    if ((a[0] == '-' || a[0] == '+') && a.size() > 1) {
      if (a == "-o" || a == "+o" || a == "-O" || a == "+O" || a == "--rcfile" || a == "--init-file") {
        ++i;
        continue;
      }
      if (a[1] != '-' && a.find('c') != std::string::npos) dash_c = true;
      if (a[1] != '-' && a.find('s') != std::string::npos) call.reads_stdin = true;
      if (a == "-Command" || a == "-command") dash_c = true;
      continue;
    }
    if (dash_c) {
      call.has_script = true;
      call.script_index = i;
      return call;
    }
    call.runs_file = !call.reads_stdin;
    return call;
  }
  call.reads_stdin = true;
  return call;
}

}  // namespace

std::optional<std::size_t> Reader::run_argv(std::vector<Arg> args, std::optional<Input> input,
                                            std::vector<Redirect> redirects, Span span, Ctx c) {
  std::optional<std::size_t> last;
  bool outer = true;
  for (int round = 0; round < 32 && !args.empty(); ++round) {
    c.depth++;
    if (!enter(c)) return last;
    if (args[0].resolved && m_cwd) {
      // `cd / && rm -rf *`: relative paths of destructive commands resolve against a known directory.
      std::string_view b = base_name(args[0].text);
      if (is_destructive(b) || b == "find") {
        for (std::size_t i = 1; i < args.size(); ++i) {
          const std::string& t = args[i].text;
          if (!args[i].resolved || t.empty() || t[0] == '-' || t[0] == '/' || t[0] == '$' || t[0] == '~') continue;
          if (t.find('=') != std::string::npos) continue;
          args[i].text = normalize_path(*m_cwd + "/" + t);
          if (args[i].text.size() > 2 && args[i].text.substr(args[i].text.size() - 2) == "/." )
            args[i].text.resize(args[i].text.size() - 2);
        }
      }
    }
    SimpleCommand cmd;
    for (const auto& a : args) {
      cmd.argv.push_back(a.text);
      cmd.resolved.push_back(a.resolved);
    }
    if (outer) cmd.redirects = redirects;
    cmd.span = c.has_outer ? c.outer : span;
    cmd.name_span = c.has_outer ? c.outer : args[0].span;
    cmd.context = c.flags;
    cmd.top_level = (c.flags & (k_in_substitution | k_in_process_subst | k_nested_script)) == 0;
    cmd.record_as_command = outer && c.record;
    m_model.commands.push_back(std::move(cmd));
    last = m_model.commands.size() - 1;

    if (!args[0].resolved) {
      reason("the command name is only known at run time: `" + args[0].text + "`");
      if (!args[0].origin.empty()) m_model.pipelines.push_back(Fact{args[0].origin + " | sh", span});
      return last;
    }
    const std::string name = args[0].text;
    const std::string base(base_name(name));

    if (auto f = m_functions.find(name); f != m_functions.end() && !m_calling.count(name) && m_calling.size() < 8) {
      // A call of a function defined earlier: walk its body with these arguments.
      auto saved = m_positional;
      std::vector<std::string> pos;
      bool all = true;
      for (std::size_t i = 1; i < args.size(); ++i) pos.push_back(args[i].text), all = all && args[i].resolved;
      m_positional = all ? std::optional(pos) : std::nullopt;
      m_calling.insert(name);
      Ctx cc = c;
      cc.flags |= k_in_function;
      cc.record = false;
      Ctx body_ctx = cc;
      body_ctx.src = f->second.src;
      if (!c.has_outer) {
        body_ctx.has_outer = true;
        body_ctx.outer = span;
      }
      statement(f->second.body, body_ctx);
      m_calling.erase(name);
      m_positional = saved;
      return last;
    }

    if (is_destructive(base)) {
      for (std::size_t i = 1; i < args.size(); ++i) {
        if (!args[i].resolved) {
          reason("`" + base + "` gets an argument that is only known at run time: `" + args[i].text + "`");
          break;
        }
      }
    }

    if ((base == "cd" || base == "pushd") && outer) {
      std::string dir = args.size() > 1 ? args.back().text : "$HOME";
      bool known_dir = args.size() <= 1 || args.back().resolved;
      bool conditional = (c.flags & (k_in_loop | k_in_conditional | k_in_function | k_in_substitution)) != 0;
      if (!known_dir || conditional || dir == "-") {
        m_cwd.reset();
      } else if (dir[0] == '/' || dir[0] == '~' || dir.rfind("$HOME", 0) == 0) {
        m_cwd = normalize_path(dir);
      } else if (m_cwd) {
        m_cwd = normalize_path(*m_cwd + "/" + dir);
      }
      return last;
    }
    if (base == "set" && outer) {
      // `set -- a b c` (or `set a b c`) sets the positional parameters.
      std::size_t i = 1;
      while (i < args.size() && args[i].text.size() > 1 && (args[i].text[0] == '-' || args[i].text[0] == '+') &&
             args[i].text != "--")
        ++i;
      if (i < args.size() && args[i].text == "--") ++i;
      if (i < args.size() || (args.size() > 1 && args.back().text == "--")) {
        std::vector<std::string> pos;
        bool all = true;
        for (std::size_t k = i; k < args.size(); ++k) pos.push_back(args[k].text), all = all && args[k].resolved;
        m_positional = all ? std::optional(pos) : std::nullopt;
      }
      return last;
    }

    Runs kind = classify(base);
    std::vector<std::string> words = texts(args);
    std::vector<Arg> next;
    bool remote = false;
    std::string attached;

    if (kind == Runs::argv) {
      std::size_t start = skip_options(words, 1, wrapper_spec(base));
      if (base == "command") {
        for (std::size_t i = 1; i < start; ++i)
          if (words[i].find_first_of("vV") != std::string::npos) return last;  // command -v: a lookup
      }
      if (base == "sudo") {
        for (std::size_t i = 1; i < start; ++i)
          if (words[i] == "-e" || words[i] == "--edit" || words[i] == "-l" || words[i] == "--list") return last;
      }
      next = tail(args, start);
    } else if (kind == Runs::shell) {
      ShellCall call = shell_call(args);
      if (call.has_script) {
        auto saved = m_positional;
        std::vector<std::string> pos;
        bool all = true;
        for (std::size_t i = call.script_index + 2; i < args.size(); ++i)
          pos.push_back(args[i].text), all = all && args[i].resolved;
        m_positional = all ? std::optional(pos) : std::nullopt;
        auto saved0 = m_arg0;
        m_arg0.reset();
        if (call.script_index + 1 < args.size() && args[call.script_index + 1].resolved)
          m_arg0 = args[call.script_index + 1].text;
        const Arg& s = args[call.script_index];
        nested_script(s.text, s.resolved, s.origin, base, span, c);
        m_positional = saved;
        m_arg0 = saved0;
      } else if (!call.runs_file) {
        stdin_code(base, true, input, span, c);
      } else {
        const Arg& file = args[std::min(args.size() - 1, std::size_t{1})];
        if (!file.origin.empty()) nested_script("", false, file.origin, base, span, c);
      }
      return last;
    } else if (kind == Runs::interpreter) {
      InterpreterCallInfo info = interpreter_info(base, words);
      if (info.has_code) {
        std::string code = info.inline_code.empty() ? args[info.code_index].text : info.inline_code;
        bool resolved = info.inline_code.empty() ? args[info.code_index].resolved : true;
        if (!resolved) {
          reason("`" + base + "` runs code that is only known at run time");
          if (!args[info.code_index].origin.empty())
            m_model.pipelines.push_back(Fact{args[info.code_index].origin + " | " + base, span});
        }
        interpreter_code(base, code, span, c);
      } else if (!info.runs_file) {
        if (input) stdin_code(base, false, input, span, c);
      }
      return last;
    } else if (kind == Runs::special) {
      if (base == "env") {
        std::size_t i = 1;
        std::vector<Arg> prefix;
        for (; i < args.size(); ++i) {
          const std::string& a = words[i];
          if (a == "--") { ++i; break; }
          if (a == "-u" || a == "--unset" || a == "-C" || a == "--chdir") { ++i; continue; }
          if (a == "-S" || a == "--split-string" || starts_with(a, "--split-string=") || (starts_with(a, "-S") && a.size() > 2)) {
            std::string s = a == "-S" || a == "--split-string" ? (i + 1 < args.size() ? words[++i] : "")
                            : starts_with(a, "--split-string=") ? a.substr(15) : a.substr(2);
            for (auto& f : split_fields(s)) prefix.push_back(Arg{f, args[i].resolved, args[i].span, ""});
            ++i;
            break;
          }
          if (a.size() > 1 && a[0] == '-') continue;
          if (a.find('=') != std::string::npos && a[0] != '=') continue;
          break;
        }
        next = prefix;
        for (auto& a : tail(args, i)) next.push_back(a);
      } else if (base == "eval") {
        auto [s, ok] = joined(args, 1);
        std::string origin;
        for (std::size_t i = 1; i < args.size(); ++i) if (!args[i].origin.empty()) origin = args[i].origin;
        nested_script(s, ok, origin, "eval", span, c);
        return last;
      } else if (base == "source" || base == ".") {
        if (args.size() > 1 && !args[1].origin.empty()) nested_script("", false, args[1].origin, base, span, c);
        else if (args.size() > 1 && !args[1].resolved) reason("`" + base + "` reads a file only known at run time");
        return last;
      } else if (base == "su" || base == "sg" || base == "script" || base == "flock" || base == "runuser") {
        std::size_t idx = option_value(args, 1, "-c", base == "script" || base == "su" ? "--command" : "", attached);
        if (idx != std::string::npos) {
          const Arg& s = args[idx];
          nested_script(attached.empty() ? s.text : attached, s.resolved, s.origin, base, span, c);
          return last;
        }
        if (base == "flock") {
          std::size_t start = skip_options(words, 1, WrapperSpec{"wEn", {"--timeout", "--conflict-exit-code"}, 1});
          next = tail(args, start);
        } else if (base == "sg" && args.size() > 2) {
          auto [s, ok] = joined(args, 2);
          nested_script(s, ok, "", base, span, c);
          return last;
        } else {
          return last;
        }
      } else if (base == "watch") {
        bool exec = false;
        std::size_t i = 1;
        for (; i < args.size(); ++i) {
          const std::string& a = words[i];
          if (a == "--") { ++i; break; }
          if (a == "-x" || a == "--exec") { exec = true; continue; }
          if (a == "-n" || a == "--interval" || a == "-q" || a == "--equexit") { ++i; continue; }
          if (a.size() > 1 && a[0] == '-') continue;
          break;
        }
        if (exec) {
          next = tail(args, i);
        } else {
          auto [s, ok] = joined(args, i);
          nested_script(s, ok, "", "watch", span, c);
          return last;
        }
      } else if (base == "xargs" || base == "parallel") {
        WrapperSpec spec{"ILnPsdEaj", {"--max-args", "--max-procs", "--max-chars", "--delimiter", "--arg-file",
                                        "--eof", "--replace", "--max-lines", "--jobs"}, 0};
        std::size_t start = skip_options(words, 1, spec);
        std::string replace;
        for (std::size_t i = 1; i < start; ++i) {
          if (words[i] == "-I" && i + 1 < start) replace = words[i + 1];
          else if (starts_with(words[i], "-I") && words[i].size() > 2) replace = words[i].substr(2);
          else if (words[i] == "-i" || words[i] == "--replace") replace = "{}";
        }
        std::size_t end = args.size();
        std::vector<Arg> values;
        if (base == "parallel") {
          for (std::size_t i = start; i < args.size(); ++i)
            if (words[i] == ":::" || words[i] == "::::") {
              end = i;
              for (std::size_t k = i + 1; k < args.size(); ++k) if (words[k] != ":::") values.push_back(args[k]);
              break;
            }
        }
        next.assign(args.begin() + static_cast<std::ptrdiff_t>(std::min(start, end)),
                    args.begin() + static_cast<std::ptrdiff_t>(end));
        if (next.empty()) next.push_back(Arg{"echo", true, args[0].span, ""});
        if (values.empty()) {
          if (input && input->resolved) {
            for (auto& f : split_fields(input->text)) values.push_back(Arg{f, true, args[0].span, ""});
          } else {
            values.push_back(Arg{"{stdin}", false, args[0].span, input ? input->origin : ""});
          }
        }
        if (!replace.empty()) {
          for (auto& a : next) {
            auto p = a.text.find(replace);
            if (p != std::string::npos) {
              a.text.replace(p, replace.size(), values.front().text);
              a.resolved = a.resolved && values.front().resolved;
            }
          }
        } else {
          for (auto& v : values) next.push_back(v);
        }
      } else if (base == "find") {
        // The start paths, then -exec/-execdir/-ok/-okdir CMD ... ; (or +).
        std::string root = ".";
        std::size_t i = 1;
        while (i < args.size() && (words[i] == "-H" || words[i] == "-L" || words[i] == "-P")) ++i;
        if (i < args.size() && !words[i].empty() && words[i][0] != '-' && words[i] != "(" && words[i] != "!")
          root = normalize_path(words[i]);
        bool root_resolved = i < args.size() ? args[i].resolved : true;
        for (; i < args.size(); ++i) {
          if (words[i] != "-exec" && words[i] != "-execdir" && words[i] != "-ok" && words[i] != "-okdir") continue;
          std::vector<Arg> inner;
          std::size_t k = i + 1;
          for (; k < args.size() && words[k] != ";" && words[k] != "+"; ++k) {
            Arg a = args[k];
            auto p = a.text.find("{}");
            if (p != std::string::npos) {
              a.text.replace(p, 2, root == "/" ? "/*" : root + "/*");
              a.resolved = a.resolved && root_resolved;
            }
            inner.push_back(a);
          }
          Ctx cc = c;
          cc.flags |= k_unwrapped;
          cc.record = false;
          if (!inner.empty()) run_argv(inner, std::nullopt, {}, span, cc);
          i = k;
        }
        return last;
      } else if (base == "ssh") {
        std::size_t start = skip_options(words, 1, WrapperSpec{"bcDEeFIiJLlmOopQRSWw", {}, 1});
        if (start < args.size()) {
          auto [s, ok] = joined(args, start);
          Ctx cc = c;
          cc.flags |= k_remote;
          nested_script(s, ok, "", "ssh", span, cc);
        }
        return last;
      } else if (base == "docker" || base == "podman" || base == "nerdctl" || base == "kubectl" || base == "oc") {
        auto ex = std::find(words.begin() + 1, words.end(), "exec");
        if (ex == words.end()) return last;
        std::size_t i = static_cast<std::size_t>(ex - words.begin()) + 1;
        auto dd = std::find(words.begin() + static_cast<std::ptrdiff_t>(i), words.end(), "--");
        if (dd != words.end()) {
          i = static_cast<std::size_t>(dd - words.begin()) + 1;
        } else {
          i = skip_options(words, i, WrapperSpec{"euwcn", {"--env", "--user", "--workdir", "--env-file",
                                                             "--detach-keys", "--container", "--namespace"}, 1});
        }
        next = tail(args, i);
        remote = true;
      } else if (base == "trap") {
        if (args.size() > 2) nested_script(args[1].text, args[1].resolved, args[1].origin, "trap", span, c);
        return last;
      } else if (base == "alias") {
        for (std::size_t i = 1; i < args.size(); ++i) {
          auto eq = args[i].text.find('=');
          if (eq != std::string::npos)
            nested_script(args[i].text.substr(eq + 1), args[i].resolved, args[i].origin, "alias", span, c);
        }
        return last;
      } else if (base == "awk" || base == "gawk" || base == "mawk" || base == "nawk") {
        std::size_t i = 1;
        for (; i < args.size(); ++i) {
          const std::string& a = words[i];
          if (a == "-f" || starts_with(a, "--file")) return last;
          if (a == "-F" || a == "-v" || a == "--assign" || a == "--field-separator") { ++i; continue; }
          if (a == "--") { ++i; break; }
          if (a.size() > 1 && a[0] == '-') continue;
          break;
        }
        if (i < args.size()) {
          m_model.code.push_back(Code{base, args[i].text, span});
          reason("`" + base + "` runs a program; vg scans it for known dangerous calls but cannot prove it safe");
        }
        return last;
      } else {
        return last;  // sudoedit
      }
    } else if (!m_known(base) && !is_data_command(base)) {
      // An unknown command may be a wrapper we do not know: look for a known
      // dangerous command among its arguments. This can only raise a score.
      for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i].resolved && m_known(base_name(args[i].text)) && !is_data_command(base_name(args[i].text))) {
          Ctx cc = c;
          cc.flags |= k_unwrapped;
          cc.record = false;
          run_argv(tail(args, i), std::nullopt, {}, span, cc);
          break;
        }
      }
      return last;
    } else {
      return last;
    }

    if (next.empty()) return last;
    args = std::move(next);
    outer = false;
    c.flags |= k_unwrapped;
    if (remote) c.flags |= k_remote;
  }
  return last;
}

}  // namespace vg::risk::detail

namespace vg::risk {

Model read_script(std::string_view script, const Limits& limits, const KnownCommand& known) {
  Model model;
  detail::Reader reader(limits, known, model);
  detail::Ctx ctx;
  reader.read(script, ctx);
  return model;
}

Model read_argv(const std::vector<std::string>& argv, const Limits& limits, const KnownCommand& known) {
  Model model;
  detail::Reader reader(limits, known, model);
  std::vector<detail::Arg> args;
  std::size_t pos = 0;
  std::string joined;
  for (const auto& a : argv) {
    if (!joined.empty()) joined.push_back(' '), ++pos;
    args.push_back(detail::Arg{a, true, Span{pos, pos + a.size()}, ""});
    joined += a;
    pos += a.size();
  }
  model.scripts.push_back(Fact{joined, Span{0, joined.size()}});
  if (!args.empty()) reader.run_argv(std::move(args), std::nullopt, {}, Span{0, joined.size()}, detail::Ctx{});
  return model;
}

}  // namespace vg::risk
