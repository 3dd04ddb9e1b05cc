// Commands that run other commands: option-aware unwrapping of wrappers,
// code carried by arguments (sh -c, eval, su -c, ssh HOST CMD, watch, ...),
// code fed on standard input, interpreter one-liners, find -exec, xargs.
#include <algorithm>
#include <cstring>

#include "risk/reader_impl.hpp"
#include "risk/unwrap.hpp"
#include "risk/words.hpp"

namespace vg::risk::detail {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Read one string literal ('..', "..", `..`) at code[i]; advances i.
std::optional<std::string> string_literal(std::string_view code, std::size_t& i) {
  while (i < code.size() && (code[i] == 'r' || code[i] == 'b' || code[i] == 'f' || code[i] == 'u')) ++i;
  if (i >= code.size()) return std::nullopt;
  char q = code[i];
  if (q != '\'' && q != '"' && q != '`') return std::nullopt;
  std::string out;
  for (++i; i < code.size(); ++i) {
    if (code[i] == '\\' && i + 1 < code.size()) {
      out.push_back(code[++i]);
      continue;
    }
    if (code[i] == q) {
      ++i;
      return out;
    }
    out.push_back(code[i]);
  }
  return std::nullopt;
}

// Shell command strings embedded in interpreter code: system("..."),
// os.system('..'), subprocess.run(["rm", "-rf", "/"]), exec('..'),
// execSync(".."), popen(".."), backticks, qx{..}, %x(..).
std::vector<std::string> embedded_shell(std::string_view code) {
  static const char* const k_calls[] = {"system", "popen", "exec", "execSync", "spawnSync", "spawn", "run", "call",
                                        "check_call", "check_output", "Popen", "getoutput", "getstatusoutput",
                                        "execute", "shell_exec", "passthru", "proc_open", "`", "qx", "%x"};
  std::vector<std::string> out;
  for (const char* call : k_calls) {
    std::size_t len = std::strlen(call);
    for (std::size_t pos = code.find(call); pos != std::string_view::npos && out.size() < 16;
         pos = code.find(call, pos + 1)) {
      std::size_t i = pos + len;
      if (std::strcmp(call, "`") == 0) {
        std::size_t end = code.find('`', i);
        if (end == std::string_view::npos) break;
        out.emplace_back(code.substr(i, end - i));
        pos = end;
        continue;
      }
      if (std::strcmp(call, "qx") == 0 || std::strcmp(call, "%x") == 0) {
        if (i >= code.size()) break;
        char open = code[i];
        char close = open == '{' ? '}' : open == '(' ? ')' : open == '[' ? ']' : open;
        if (std::isalnum(static_cast<unsigned char>(open)) || std::isspace(static_cast<unsigned char>(open))) continue;
        std::size_t end = code.find(close, i + 1);
        if (end == std::string_view::npos) break;
        out.emplace_back(code.substr(i + 1, end - i - 1));
        continue;
      }
      if (pos > 0 && (std::isalnum(static_cast<unsigned char>(code[pos - 1])) || code[pos - 1] == '_') &&
          code[pos - 1] != '.')
        continue;
      while (i < code.size() && (code[i] == ' ' || code[i] == '(' || code[i] == '[')) ++i;
      std::string joined;
      bool any = false;
      while (i < code.size()) {
        auto lit = string_literal(code, i);
        if (!lit) break;
        joined += (any ? " " : "") + *lit;
        any = true;
        while (i < code.size() && (code[i] == ' ' || code[i] == ',' || code[i] == '+')) ++i;
      }
      if (any) out.push_back(joined);
    }
  }
  return out;
}

// Index of the first code option (-c, -e, ...) of an interpreter and the
// code itself; nullopt when it runs a file or its input.
}  // namespace

InterpreterCallInfo interpreter_info(std::string_view base, const std::vector<std::string>& w) {
  InterpreterCallInfo call;
  std::string_view code_opts = "c";
  if (starts_with(base, "perl") || starts_with(base, "ruby") || base == "lua" || base == "luajit" ||
      base == "Rscript" || base == "osascript" || base == "irb")
    code_opts = "eE";
  if (base == "node" || base == "nodejs" || base == "bun") code_opts = "ep";
  if (starts_with(base, "php")) code_opts = "r";
  if (base == "pwsh" || base == "powershell") code_opts = "c";
  for (std::size_t i = 1; i < w.size(); ++i) {
    const std::string& a = w[i];
    if (a == "--eval" || a == "--print" || a == "-Command" || a == "-command") {
      call.has_code = i + 1 < w.size();
      call.code_index = i + 1;
      return call;
    }
    if (base == "deno" && a == "eval") {
      call.has_code = i + 1 < w.size();
      call.code_index = i + 1;
      return call;
    }
    if (a == "-" || a == "--") return call;
    if (a.size() > 1 && a[0] == '-' && a[1] != '-') {
      for (std::size_t k = 1; k < a.size(); ++k) {
        if (code_opts.find(a[k]) != std::string_view::npos) {
          call.has_code = true;
          if (k + 1 < a.size()) {
            call.inline_code = a.substr(k + 1);
            call.code_index = i;
          } else {
            call.code_index = i + 1;
            call.has_code = i + 1 < w.size();
          }
          return call;
        }
        // Options whose value follows (-m module, -I dir, -r lib, -W warn, -X opt).
        if (std::string_view("mIWXrMOx").find(a[k]) != std::string_view::npos && !(base == "node")) {
          if (a[k] == 'm' && (starts_with(base, "python") || starts_with(base, "pypy"))) {
            call.runs_file = true;
            return call;
          }
          if (k + 1 == a.size()) ++i;
          break;
        }
      }
      continue;
    }
    if (a.size() > 2 && a[0] == '-' && a[1] == '-') continue;
    call.runs_file = true;
    return call;
  }
  return call;
}

void Reader::nested_script(const std::string& text, bool resolved, const std::string& origin,
                           const std::string& runner, Span span, Ctx c) {
  if (!resolved) {
    reason("`" + runner + "` runs code that is only known at run time");
    if (!origin.empty()) m_model.pipelines.push_back(Fact{origin + " | " + runner, span});
    return;
  }
  Ctx cc = c;
  cc.flags |= k_nested_script;
  cc.nesting++;
  cc.has_outer = true;
  cc.outer = span;
  cc.record = false;
  cc.depth++;
  auto saved_input = std::move(m_pipe_input);
  m_pipe_input.reset();
  m_texts.push_back(text);
  read(m_texts.back(), cc);
  m_pipe_input = std::move(saved_input);
}

void Reader::interpreter_code(const std::string& interp, const std::string& code, Span span, Ctx c) {
  m_model.code.push_back(Code{interp, code, span});
  reason("`" + interp + "` runs code in another language; vg scans it for known dangerous calls but cannot prove it safe");
  for (const std::string& shell : embedded_shell(code)) nested_script(shell, true, "", interp, span, c);
}

void Reader::stdin_code(const std::string& runner, bool shell, const std::optional<Input>& input, Span span, Ctx c) {
  if (!input) return;  // reads the terminal
  if (starts_with(input->origin, "< ")) return;  // runs a file, like `bash script.sh`
  if (!input->resolved) {
    reason("`" + runner + "` runs code from its input, which is only known at run time" +
           (input->origin.empty() ? std::string() : " (from `" + input->origin + "`)"));
    return;
  }
  if (shell) {
    nested_script(input->text, true, "", runner, span, c);
  } else {
    interpreter_code(runner, input->text, span, c);
  }
}

std::optional<Input> Reader::output_of(const SimpleCommand& cmd, const std::optional<Input>& input) const {
  if (cmd.argv.empty()) return std::nullopt;
  bool resolved = std::all_of(cmd.resolved.begin(), cmd.resolved.end(), [](bool b) { return b; });
  std::string_view base = base_name(cmd.argv[0]);
  std::string origin = join_argv(cmd.argv);
  if (base == "echo") {
    std::size_t i = 1;
    bool newline = true, escapes = false;
    while (i < cmd.argv.size() && cmd.argv[i].size() > 1 && cmd.argv[i][0] == '-' &&
           cmd.argv[i].find_first_not_of("neE", 1) == std::string::npos) {
      if (cmd.argv[i].find('n') != std::string::npos) newline = false;
      if (cmd.argv[i].find('e') != std::string::npos) escapes = true;
      ++i;
    }
    std::string out;
    for (std::size_t k = i; k < cmd.argv.size(); ++k) {
      if (k > i) out.push_back(' ');
      out += escapes ? decode_ansi_c(cmd.argv[k]) : cmd.argv[k];
    }
    if (newline) out.push_back('\n');
    return Input{out, resolved, origin};
  }
  if ((base == "which" || (base == "command" && cmd.argv.size() == 3 && cmd.argv[1] == "-v")) && cmd.argv.size() >= 2) {
    // $(which rm): the program itself, by name.
    return Input{cmd.argv.back() + "\n", resolved, origin};
  }
  if (base == "printf") {
    std::size_t i = 1;
    if (i < cmd.argv.size() && cmd.argv[i] == "--") ++i;
    if (i >= cmd.argv.size() || cmd.argv[i] == "-v") return std::nullopt;
    std::vector<std::string> rest(cmd.argv.begin() + static_cast<std::ptrdiff_t>(i) + 1, cmd.argv.end());
    return Input{apply_printf(cmd.argv[i], rest), resolved, origin};
  }
  if (base == "cat" && (cmd.argv.size() == 1 || (cmd.argv.size() == 2 && cmd.argv[1] == "-"))) {
    if (input) return Input{input->text, input->resolved && resolved, input->origin};
    return std::nullopt;
  }
  if (base == "base64" && input) {
    bool decode = false;
    for (std::size_t i = 1; i < cmd.argv.size(); ++i)
      if (cmd.argv[i] == "-d" || cmd.argv[i] == "--decode" || cmd.argv[i] == "-D" || cmd.argv[i] == "-di")
        decode = true;
    if (!decode || !input->resolved) return Input{"", false, input->origin + " | " + origin};
    auto d = base64_decode(input->text);
    if (!d) return Input{"", false, input->origin + " | " + origin};
    return Input{*d, true, input->origin + " | " + origin};
  }
  if (base == "rev" && input && cmd.argv.size() == 1) {
    std::string out;
    std::size_t start = 0;
    const std::string& t = input->text;
    while (start <= t.size()) {
      std::size_t nl = t.find('\n', start);
      std::string line = t.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      std::reverse(line.begin(), line.end());
      out += line;
      if (nl == std::string::npos) break;
      out.push_back('\n');
      start = nl + 1;
    }
    return Input{out, input->resolved, input->origin + " | " + origin};
  }
  if (base == "xxd" && input && input->resolved) {
    bool reverse = false;
    for (std::size_t i = 1; i < cmd.argv.size(); ++i)
      if (cmd.argv[i] == "-r" || cmd.argv[i] == "-p" || cmd.argv[i] == "-rp" || cmd.argv[i] == "-ps" ||
          cmd.argv[i] == "-r -p")
        reverse = true;
    if (!reverse) return std::nullopt;
    std::string out;
    int hi = -1;
    for (char ch : input->text) {
      int v = std::isxdigit(static_cast<unsigned char>(ch)) ? (std::isdigit(static_cast<unsigned char>(ch)) ? ch - '0' : (std::tolower(ch) - 'a' + 10)) : -1;
      if (v < 0) continue;
      if (hi < 0) hi = v;
      else out.push_back(static_cast<char>(hi * 16 + v)), hi = -1;
    }
    return Input{out, true, input->origin + " | " + origin};
  }
  return std::nullopt;
}

}  // namespace vg::risk::detail
