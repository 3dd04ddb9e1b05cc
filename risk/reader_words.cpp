// Word evaluation: quote removal, known variables, command substitutions
// whose output can be computed ($(echo rm), $(printf '\x72m'),
// $(echo cm0= | base64 -d)), positional parameters.
#include <cstring>

#include "risk/reader_impl.hpp"
#include "risk/words.hpp"

namespace vg::risk::detail {
namespace {

bool is(TSNode n, const char* type) { return std::strcmp(ts_node_type(n), type) == 0; }

// Variables the environment always has; their value is not known, but a
// path built on them is still understood (`rm -rf "$HOME/.cache/x"`).
bool is_ambient(std::string_view name) {
  static const char* const k_names[] = {"HOME", "USER", "LOGNAME", "PWD", "OLDPWD", "SHELL", "TMPDIR",
                                        "PATH", "HOSTNAME", "UID", "EUID", "TERM", "LANG", "EDITOR",
                                        "$", "?", "!", "#", "-", "PPID", "RANDOM", "SECONDS", "LINENO"};
  for (const char* k : k_names)
    if (name == k) return true;
  return false;
}

bool has_glob_braces(std::string_view s) {
  auto o = s.find('{');
  return o != std::string_view::npos && s.find(',', o) != std::string_view::npos &&
         s.find('}', o) != std::string_view::npos;
}

}  // namespace

std::string join_argv(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out.push_back(' ');
    if (a.empty() || a.find_first_of(" \t\n") != std::string::npos) {
      out.push_back('\'');
      out += a;
      out.push_back('\'');
    } else {
      out += a;
    }
  }
  return out;
}

void Reader::append_fields(const Value& v, Span span, std::vector<Arg>& out) {
  if (v.fields) {
    for (const auto& f : *v.fields) out.push_back(Arg{f, v.resolved, span, v.origin});
    return;
  }
  if (v.splittable && v.resolved) {
    auto fields = split_fields(v.text, m_ifs);
    for (auto& f : fields) out.push_back(Arg{std::move(f), true, span, v.origin});
    return;
  }
  if (v.brace && v.resolved) {
    if (auto expanded = brace_expand(v.text)) {
      for (auto& f : *expanded) out.push_back(Arg{std::move(f), true, span, v.origin});
      return;
    }
  }
  out.push_back(Arg{v.text, v.resolved, span, v.origin});
}

Value Reader::lookup(std::string_view name, TSNode, const Ctx&) {
  Value v;
  v.splittable = true;
  if (name == "@" || name == "*") {
    if (m_positional) {
      v.fields = *m_positional;
    } else {
      v.resolved = false;
      v.text = "$" + std::string(name);
    }
    return v;
  }
  if (name == "0") {
    v.resolved = m_arg0.has_value();
    v.text = m_arg0 ? *m_arg0 : "$0";
    return v;
  }
  if (!name.empty() && name[0] >= '1' && name[0] <= '9') {
    std::size_t idx = static_cast<std::size_t>(std::atoi(std::string(name).c_str()));
    if (m_positional) {
      v.text = idx <= m_positional->size() ? (*m_positional)[idx - 1] : std::string();
    } else {
      v.resolved = false;
      v.text = "$" + std::string(name);
    }
    return v;
  }
  auto it = m_vars.find(name);
  if (it != m_vars.end()) {
    if (it->second) {
      v.text = *it->second;
    } else {
      v.resolved = false;
      v.text = "$" + std::string(name);
    }
    return v;
  }
  v.text = "$" + std::string(name);
  v.resolved = is_ambient(name);
  v.splittable = false;
  return v;
}

Value Reader::substitution(TSNode n, Ctx c, std::uint32_t flag) {
  Ctx cc = c;
  cc.flags |= flag;
  std::size_t first = m_model.commands.size();
  auto saved_input = std::move(m_pipe_input);
  m_pipe_input.reset();
  statements_of(n, cc);
  m_pipe_input = std::move(saved_input);
  Value v;
  v.resolved = false;
  v.splittable = true;
  // The output is known when the body is one command (or pipeline) whose output we can compute.
  std::vector<TSNode> stmts;
  for (std::uint32_t i = 0, k = ts_node_named_child_count(n); i < k; ++i) {
    TSNode ch = ts_node_named_child(n, i);
    if (!is(ch, "comment")) stmts.push_back(ch);
  }
  std::string origin;
  for (std::size_t i = first; i < m_model.commands.size(); ++i) {
    const auto& cmd = m_model.commands[i];
    if (cmd.context & (k_unwrapped | k_nested_script)) continue;
    origin += (origin.empty() ? "" : " | ") + join_argv(cmd.argv);
  }
  v.origin = origin;
  if (stmts.size() == 1 && (is(stmts[0], "command") || is(stmts[0], "pipeline"))) {
    std::optional<Input> out;
    bool ok = true;
    for (std::size_t i = first; i < m_model.commands.size() && ok; ++i) {
      const auto& cmd = m_model.commands[i];
      if (cmd.context & (k_unwrapped | k_nested_script)) continue;
      if ((cmd.context & (k_in_substitution | k_in_process_subst)) != (cc.flags & (k_in_substitution | k_in_process_subst)))
        continue;  // a deeper substitution
      out = output_of(cmd, out);
      if (!out || !out->resolved) ok = false;
    }
    if (ok && out) {
      std::string text = out->text;
      while (!text.empty() && text.back() == '\n') text.pop_back();  // $(...) strips trailing newlines
      v.text = text;
      v.resolved = true;
      return v;
    }
  }
  v.text = flag == k_in_process_subst ? "/dev/fd/63" : "$(" + origin + ")";
  if (flag == k_in_process_subst) v.resolved = true;  // a path; what it holds is checked where it is read
  return v;
}

Value Reader::eval(TSNode n, Ctx c) {
  c.depth++;
  Value v;
  if (!enter(c)) {
    v.resolved = false;
    return v;
  }
  std::string_view raw = text_of(n, c);
  if (is(n, "word")) {
    v.text = unescape_unquoted(raw);
    if (!raw.empty() && raw[0] == '~') v.text = normalize_path(v.text);
    v.brace = has_glob_braces(raw);
  } else if (is(n, "number") || is(n, "brace_expression") || is(n, "extglob_pattern") || is(n, "regex") ||
             is(n, "test_operator") || is(n, "special_variable_name") || is(n, "variable_name") ||
             is(n, "file_descriptor") || is(n, "heredoc_content") || is(n, "string_content")) {
    v.text = std::string(raw);
  } else if (is(n, "raw_string")) {
    v.text = raw.size() >= 2 ? std::string(raw.substr(1, raw.size() - 2)) : std::string();
  } else if (is(n, "ansi_c_string")) {
    v.text = raw.size() >= 3 ? decode_ansi_c(raw.substr(2, raw.size() - 3)) : std::string();
  } else if (is(n, "string") || is(n, "translated_string")) {
    std::size_t pos = ts_node_start_byte(n) + (is(n, "translated_string") ? 2 : 1);
    std::size_t end = ts_node_end_byte(n);
    if (end > pos && end <= c.src.size() && c.src[end - 1] == '"') --end;
    for (std::uint32_t i = 0, k = ts_node_named_child_count(n); i < k; ++i) {
      TSNode part = ts_node_named_child(n, i);
      std::size_t b = ts_node_start_byte(part);
      if (b > pos && b <= c.src.size()) v.text += unescape_double(c.src.substr(pos, b - pos));
      if (is(part, "string_content")) {
        v.text += unescape_double(text_of(part, c));
      } else {
        Value p = eval(part, c);
        if (p.fields) {
          std::string joined;
          for (auto& f : *p.fields) joined += (joined.empty() ? "" : " ") + f;
          if (is(part, "simple_expansion") && k == 1 && text_of(part, c) == "$@") {
            v.fields = p.fields;  // "$@" keeps its words
          }
          p.text = joined;
        }
        v.text += p.text;
        v.resolved = v.resolved && p.resolved;
        if (!p.origin.empty()) v.origin = p.origin;
      }
      pos = std::max(pos, static_cast<std::size_t>(ts_node_end_byte(part)));
    }
    if (end > pos && end <= c.src.size()) v.text += unescape_double(c.src.substr(pos, end - pos));
    v.splittable = false;
  } else if (is(n, "concatenation")) {
    std::size_t pos = ts_node_start_byte(n);
    bool quoted = false;
    for (std::uint32_t i = 0, k = ts_node_named_child_count(n); i < k; ++i) {
      TSNode part = ts_node_named_child(n, i);
      std::size_t b = ts_node_start_byte(part);
      if (b > pos && b <= c.src.size()) v.text += unescape_unquoted(c.src.substr(pos, b - pos));
      Value p = eval(part, c);
      if (p.fields) {
        std::string joined;
        for (auto& f : *p.fields) joined += (joined.empty() ? "" : " ") + f;
        p.text = joined;
      }
      if (!is(part, "word")) quoted = true;
      if (i == 0 && is(part, "word") && !p.text.empty() && p.text[0] == '$') {
      }
      v.text += p.text;
      v.resolved = v.resolved && p.resolved;
      if (!p.origin.empty()) v.origin = p.origin;
      pos = ts_node_end_byte(part);
    }
    if (ts_node_end_byte(n) > pos && ts_node_end_byte(n) <= c.src.size())
      v.text += unescape_unquoted(c.src.substr(pos, ts_node_end_byte(n) - pos));
    v.brace = !quoted && has_glob_braces(raw);
    if (!raw.empty() && raw[0] == '~') v.text = normalize_path(v.text);
  } else if (is(n, "simple_expansion")) {
    std::string_view name = raw.size() > 1 ? raw.substr(1) : std::string_view();
    v = lookup(name, n, c);
  } else if (is(n, "expansion")) {
    // ${X} is a lookup; anything fancier (${X:-y}, ${X/a/b}, ${!X}) is known only at run time.
    std::string_view inner = raw.size() > 3 ? raw.substr(2, raw.size() - 3) : std::string_view();
    bool plain = !inner.empty();
    for (char ch : inner)
      if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '@' || ch == '*')) plain = false;
    if (plain) {
      v = lookup(inner, n, c);
    } else {
      scan(n, c);
      std::size_t op = inner.find_first_of(":-=+?#%/^,[");
      std::string name(inner.substr(0, op));
      Value base = lookup(name, n, c);
      if (op != std::string_view::npos && inner.substr(op).rfind(":-", 0) == 0 && base.resolved && !base.text.empty() &&
          m_vars.count(name)) {
        v = base;
      } else {
        v.text = "${" + std::string(inner) + "}";
        v.resolved = false;
        v.splittable = false;
      }
    }
  } else if (is(n, "command_substitution")) {
    v = substitution(n, c, k_in_substitution);
  } else if (is(n, "process_substitution")) {
    v = substitution(n, c, k_in_process_subst);
  } else if (is(n, "arithmetic_expansion")) {
    scan(n, c);
    v.text = std::string(raw);
    v.resolved = false;
  } else if (is(n, "array")) {
    scan(n, c);
    v.text = std::string(raw);
    v.resolved = false;
  } else if (is(n, "ERROR")) {
    scan(n, c);
    v.text = std::string(raw);
    v.resolved = false;
  } else {
    reason(std::string("unsupported word form: ") + ts_node_type(n));
    scan(n, c);
    v.text = std::string(raw);
    v.resolved = false;
  }
  return v;
}

}  // namespace vg::risk::detail
