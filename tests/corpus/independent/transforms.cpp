#include "tests/corpus/independent/transforms.hpp"

#include <cstdio>
#include <regex>
#include <sstream>

namespace vg::corpus {

std::string single_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\"'\"'") : std::string(1, c);
  return out + "'";
}

std::string base64(const std::string& s) {
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    unsigned v = (unsigned char)s[i] << 16 | (unsigned char)s[i + 1] << 8 | (unsigned char)s[i + 2];
    for (int k = 18; k >= 0; k -= 6) out += tbl[(v >> k) & 63];
  }
  if (i + 1 == s.size()) {
    unsigned v = (unsigned char)s[i] << 16;
    out += tbl[(v >> 18) & 63];
    out += tbl[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == s.size()) {
    unsigned v = (unsigned char)s[i] << 16 | (unsigned char)s[i + 1] << 8;
    out += tbl[(v >> 18) & 63];
    out += tbl[(v >> 12) & 63];
    out += tbl[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

namespace {

using Out = std::optional<std::string>;

// No operators, redirections, substitutions, grouping or newlines: one simple command.
bool simple(const std::string& c) { return c.find_first_of(";&|<>()`\n{}$") == std::string::npos; }
bool unquoted(const std::string& c) { return c.find_first_of("'\"\\") == std::string::npos; }
bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

bool keyword(const std::string& w) {
  static const char* kw[] = {"if", "for", "while", "until", "case", "function", "select", "do", "then", "time", "!"};
  for (const char* k : kw)
    if (w == k) return true;
  return false;
}

// The leading program word and the rest, when the command starts with a plain program name.
bool split_program(const std::string& c, std::string& prog, std::string& rest) {
  std::size_t end = 0;
  while (end < c.size() && (std::isalnum((unsigned char)c[end]) || c[end] == '_' || c[end] == '.' || c[end] == '-' ||
                            c[end] == '+'))
    ++end;
  if (end == 0 || (end < c.size() && c[end] != ' ')) return false;
  prog = c.substr(0, end);
  rest = c.substr(end);
  return !keyword(prog) && prog[0] != '-';
}

template <typename F>
Out on_program(const std::string& c, F f) {
  std::string prog, rest;
  if (!split_program(c, prog, rest)) return std::nullopt;
  return f(prog, rest);
}

Out wrap_simple(const std::string& c, const std::string& prefix) {
  std::string prog, rest;
  if (!simple(c) || !split_program(c, prog, rest) || prog == "sudo") return std::nullopt;
  return prefix + c;
}

// ---- quoting and spelling of the program word
Out empty_quotes(const std::string& c) {
  return on_program(c, [](const std::string& p, const std::string& r) -> Out {
    if (p.size() < 2) return std::nullopt;
    return p.substr(0, 1) + "''" + p.substr(1) + r;
  });
}
Out dquote_program(const std::string& c) {
  return on_program(c, [](const std::string& p, const std::string& r) -> Out { return "\"" + p + "\"" + r; });
}
Out squote_program(const std::string& c) {
  return on_program(c, [](const std::string& p, const std::string& r) -> Out { return "'" + p + "'" + r; });
}
Out backslash_program(const std::string& c) {
  return on_program(c, [](const std::string& p, const std::string& r) -> Out { return "\\" + p + r; });
}
Out inner_backslash(const std::string& c) {
  return on_program(c, [](const std::string& p, const std::string& r) -> Out {
    if (p.size() < 2) return std::nullopt;
    return p.substr(0, 1) + "\\" + p.substr(1) + r;
  });
}
Out ansi_c_program(const std::string& c) {
  return on_program(c, [](const std::string& p, const std::string& r) -> Out {
    std::string out = "$'";
    char buf[8];
    for (char ch : p) {
      std::snprintf(buf, sizeof buf, "\\x%02x", (unsigned char)ch);
      out += buf;
    }
    return out + "'" + r;
  });
}
Out var_program(const std::string& c) {
  return on_program(c, [](const std::string& p, const std::string& r) -> Out { return "X=" + p + "; $X" + r; });
}
Out braced_var_program(const std::string& c) {
  return on_program(c, [](const std::string& p, const std::string& r) -> Out {
    return "prog=" + p + "; \"${prog}\"" + r;
  });
}
Out set_args(const std::string& c) {
  if (!simple(c) || !unquoted(c)) return std::nullopt;
  return on_program(c, [](const std::string& p, const std::string& r) -> Out { return "set -- " + p + r + "; \"$@\""; });
}

// ---- wrappers
Out w_sudo(const std::string& c) { return wrap_simple(c, "sudo "); }
Out w_sudo_user(const std::string& c) { return wrap_simple(c, "sudo -u root -- "); }
Out w_env(const std::string& c) { return wrap_simple(c, "env "); }
Out w_env_assign(const std::string& c) { return wrap_simple(c, "env LC_ALL=C "); }
Out w_nice(const std::string& c) { return wrap_simple(c, "nice -n 5 "); }
Out w_timeout(const std::string& c) { return wrap_simple(c, "timeout 600 "); }
Out w_nohup(const std::string& c) { return wrap_simple(c, "nohup "); }
Out w_stdbuf(const std::string& c) { return wrap_simple(c, "stdbuf -o0 "); }
Out w_setsid(const std::string& c) { return wrap_simple(c, "setsid "); }
Out w_command(const std::string& c) { return wrap_simple(c, "command "); }
Out w_exec(const std::string& c) { return wrap_simple(c, "exec "); }
Out w_time(const std::string& c) { return wrap_simple(c, "time "); }
Out w_ionice(const std::string& c) { return wrap_simple(c, "ionice -c3 "); }
Out w_xargs(const std::string& c) { return "echo x | xargs -I{} sh -c " + single_quoted(c); }
Out w_find_exec(const std::string& c) { return "find / -maxdepth 0 -exec sh -c " + single_quoted(c) + " \\;"; }

// ---- shells and evaluation
Out sh_bash_c(const std::string& c) { return "bash -c " + single_quoted(c); }
Out sh_sh_c(const std::string& c) { return "sh -c " + single_quoted(c); }
Out sh_bash_lc(const std::string& c) { return "bash -lc " + single_quoted(c); }
Out sh_dquoted(const std::string& c) {
  if (c.find_first_of("\"$`\\!") != std::string::npos) return std::nullopt;
  return "sh -c \"" + c + "\"";
}
Out ev_eval(const std::string& c) { return "eval " + single_quoted(c); }
Out ev_eval_dq(const std::string& c) {
  if (c.find_first_of("\"$`\\!") != std::string::npos) return std::nullopt;
  return "eval \"" + c + "\"";
}
Out herestring(const std::string& c) { return "bash <<< " + single_quoted(c); }
Out heredoc(const std::string& c) {
  if (c.find("\nEOF") != std::string::npos || starts_with(c, "EOF")) return std::nullopt;
  return "sh <<'EOF'\n" + c + "\nEOF";
}
Out echo_pipe(const std::string& c) { return "echo " + single_quoted(c) + " | sh"; }
Out printf_pipe(const std::string& c) { return "printf '%s\\n' " + single_quoted(c) + " | bash"; }
Out b64_pipe(const std::string& c) { return "echo " + base64(c) + " | base64 -d | sh"; }
Out b64_subst(const std::string& c) { return "bash -c \"$(echo " + base64(c) + " | base64 --decode)\""; }
Out nested_sudo_bash(const std::string& c) { return "sudo bash -c " + single_quoted(c); }
Out nested_bash_eval(const std::string& c) { return "bash -c " + single_quoted("eval " + single_quoted(c)); }
Out nested_sh_bash(const std::string& c) { return "sh -c " + single_quoted("bash -c " + single_quoted(c)); }

// ---- grouping and chains
// The command followed by what ends it inside a list: a newline after a heredoc
// or a background '&', a semicolon otherwise.
std::string terminated(const std::string& c) {
  bool newline = c.find('\n') != std::string::npos || (!c.empty() && c.back() == '&');
  return c + (newline ? "\n" : ";");
}
Out subshell(const std::string& c) { return "(" + c + (c.find('\n') != std::string::npos ? "\n)" : ")"); }
Out group(const std::string& c) { return "{ " + terminated(c) + " }"; }
Out after_cd(const std::string& c) { return "cd . && " + c; }
Out after_true(const std::string& c) { return "true && " + c; }
Out after_noop(const std::string& c) { return ": ; " + c; }
Out in_if(const std::string& c) { return "if true; then " + terminated(c) + " fi"; }
Out in_function(const std::string& c) { return "f() { " + terminated(c) + " }; f"; }
Out devnull_stderr(const std::string& c) {
  if (!simple(c)) return std::nullopt;
  return c + " 2>/dev/null";
}

// ---- targets: path spellings, home spellings, globs, a path in a variable
const std::regex& sys_path() {
  static const std::regex re(R"((^|\s)/(etc|usr|var|boot|bin|sbin|lib|lib64|opt|srv|root|home|dev)(/[^\s]*)?(?=\s|$))");
  return re;
}

Out replace_sys(const std::string& c, const std::string& lead) {
  if (!unquoted(c)) return std::nullopt;
  std::smatch m;
  if (!std::regex_search(c, m, sys_path())) return std::nullopt;
  std::string word = m.str(0).substr(m.str(1).size());
  return c.substr(0, m.position(0)) + m.str(1) + lead + word.substr(1) + c.substr(m.position(0) + m.length(0));
}
Out path_dot(const std::string& c) { return replace_sys(c, "/./"); }
Out path_double(const std::string& c) { return replace_sys(c, "//"); }
Out path_updown(const std::string& c) { return replace_sys(c, "/usr/../"); }
Out path_glob(const std::string& c) {
  if (!unquoted(c)) return std::nullopt;
  std::smatch m;
  if (!std::regex_search(c, m, sys_path())) return std::nullopt;
  std::string lead = m.str(1), word = m.str(0).substr(lead.size());
  std::size_t last = word.find_last_of('/');
  if (last + 2 >= word.size() || word.find_first_of("*?[") != std::string::npos) return std::nullopt;
  std::string globbed = word.substr(0, last + 2) + "[" + word[last + 2] + "]" + word.substr(last + 3);
  return c.substr(0, m.position(0)) + lead + globbed + c.substr(m.position(0) + m.length(0));
}

const std::regex& tilde() {
  static const std::regex re(R"((^|\s)~(?=/|\s|$))");
  return re;
}
Out home_spelling(const std::string& c, const std::string& to) {
  if (!unquoted(c) || !std::regex_search(c, tilde())) return std::nullopt;
  return std::regex_replace(c, tilde(), "$1" + to);
}
Out tilde_home(const std::string& c) { return home_spelling(c, "$HOME"); }
Out tilde_home_quoted(const std::string& c) { return home_spelling(c, "\"$HOME\""); }
Out tilde_home_braced(const std::string& c) { return home_spelling(c, "${HOME}"); }
Out tilde_root(const std::string& c) { return home_spelling(c, "/root"); }
Out home_tilde(const std::string& c) {
  static const std::regex re(R"re((^|\s)"?\$\{?HOME\}?"?(?=/|\s|$))re");
  if (c.find('\'') != std::string::npos || !std::regex_search(c, re)) return std::nullopt;
  return std::regex_replace(c, re, "$1~");
}

// The last absolute or home-relative word moved into a variable.
Out target_var(const std::string& c) {
  if (!unquoted(c) || c.find_first_of(";&|<>()`\n{}") != std::string::npos) return std::nullopt;
  std::istringstream s(c);
  std::vector<std::string> words;
  for (std::string w; s >> w;) words.push_back(w);
  for (std::size_t i = words.size(); i-- > 1;) {
    const std::string& w = words[i];
    if (w[0] != '/' && w[0] != '~' && !starts_with(w, "$HOME")) continue;
    bool glob = w.find_first_of("*?[") != std::string::npos;
    std::string out = "T=" + w + ";";
    for (std::size_t k = 0; k < words.size(); ++k) out += " " + (k == i ? (glob ? "$T" : "\"$T\"") : words[k]);
    return out;
  }
  return std::nullopt;
}

// ---- flags
Out rm_flags(const std::string& c, const std::string& to) {
  static const std::regex re(R"((^|\s)rm -(rf|fr|Rf|rF)(?=\s))");
  if (!std::regex_search(c, re)) return std::nullopt;
  return std::regex_replace(c, re, "$1rm " + to, std::regex_constants::format_first_only);
}
Out rm_split(const std::string& c) { return rm_flags(c, "-r -f"); }
Out rm_long(const std::string& c) { return rm_flags(c, "--recursive --force"); }
Out rm_reorder(const std::string& c) { return rm_flags(c, "-f -R"); }

}  // namespace

const std::vector<Transform>& dangerous_transforms() {
  static const std::vector<Transform> v{
      {"empty quotes in program", empty_quotes}, {"double-quoted program", dquote_program},
      {"single-quoted program", squote_program}, {"backslash before program", backslash_program},
      {"backslash inside program", inner_backslash}, {"$'..' program", ansi_c_program},
      {"program in variable", var_program}, {"program in braced variable", braced_var_program},
      {"set -- and \"$@\"", set_args}, {"sudo", w_sudo}, {"sudo -u root --", w_sudo_user}, {"env", w_env},
      {"env VAR=", w_env_assign}, {"nice", w_nice}, {"timeout", w_timeout}, {"nohup", w_nohup},
      {"stdbuf", w_stdbuf}, {"setsid", w_setsid}, {"command", w_command}, {"exec", w_exec}, {"time", w_time},
      {"ionice", w_ionice}, {"xargs sh -c", w_xargs}, {"find -exec sh -c", w_find_exec}, {"bash -c", sh_bash_c},
      {"sh -c", sh_sh_c}, {"bash -lc", sh_bash_lc}, {"sh -c double-quoted", sh_dquoted}, {"eval", ev_eval},
      {"eval double-quoted", ev_eval_dq}, {"here-string into bash", herestring}, {"heredoc into sh", heredoc},
      {"echo | sh", echo_pipe}, {"printf | bash", printf_pipe}, {"base64 | sh", b64_pipe},
      {"base64 substitution", b64_subst}, {"sudo bash -c", nested_sudo_bash}, {"bash -c eval", nested_bash_eval},
      {"sh -c bash -c", nested_sh_bash}, {"subshell", subshell}, {"brace group", group}, {"after cd .", after_cd},
      {"after true &&", after_true}, {"after :", after_noop}, {"inside if", in_if}, {"inside a function", in_function},
      {"2>/dev/null", devnull_stderr}, {"path /./", path_dot}, {"path //", path_double},
      {"path /usr/../", path_updown}, {"path glob", path_glob}, {"~ as $HOME", tilde_home},
      {"~ as \"$HOME\"", tilde_home_quoted}, {"~ as ${HOME}", tilde_home_braced}, {"~ as /root", tilde_root},
      {"$HOME as ~", home_tilde}, {"target in variable", target_var}, {"rm -r -f", rm_split},
      {"rm --recursive --force", rm_long}, {"rm -f -R", rm_reorder},
  };
  return v;
}

const std::vector<Transform>& harmless_transforms() {
  static const std::vector<Transform> v{
      {"double-quoted program", dquote_program}, {"single-quoted program", squote_program},
      {"backslash before program", backslash_program}, {"empty quotes in program", empty_quotes},
      {"command", w_command}, {"env VAR=", w_env_assign}, {"nice", w_nice}, {"timeout", w_timeout},
      {"time", w_time}, {"subshell", subshell}, {"brace group", group}, {"after true &&", after_true},
      {"after :", after_noop}, {"inside if", in_if}, {"bash -c", sh_bash_c}, {"sh -c", sh_sh_c},
      {"2>/dev/null", devnull_stderr},
  };
  return v;
}

}  // namespace vg::corpus
