// The tree walk: statements, pipelines, commands, assignments, loops,
// functions. Recursion is bounded by Limits::max_depth; every visit counts
// against Limits::max_nodes and the clock.
#include <algorithm>
#include <cstring>

#include "risk/reader_impl.hpp"
#include "risk/words.hpp"

namespace vg::risk::detail {
namespace {

bool is(TSNode n, const char* type) { return std::strcmp(ts_node_type(n), type) == 0; }

bool is_redirect(TSNode n) {
  return is(n, "file_redirect") || is(n, "heredoc_redirect") || is(n, "herestring_redirect");
}

// Node types that are statements (walked by Reader::statement).
bool is_statement_type(const char* t) {
  static const char* const k_types[] = {
      "command", "pipeline", "list", "redirected_statement", "subshell", "compound_statement",
      "variable_assignment", "variable_assignments", "declaration_command", "unset_command",
      "negated_command", "test_command", "if_statement", "while_statement", "for_statement",
      "c_style_for_statement", "case_statement", "function_definition", "program", "do_group",
      "else_clause", "elif_clause", "case_item", "comment"};
  for (const char* k : k_types)
    if (std::strcmp(t, k) == 0) return true;
  return false;
}

// Variables whose value a program runs as a command line.
bool names_a_command_line(std::string_view name) {
  static const std::string_view k_names[] = {
      "LESSOPEN", "LESSCLOSE", "PAGER", "GIT_PAGER", "MANPAGER", "SYSTEMD_PAGER", "EDITOR", "VISUAL", "GIT_EDITOR",
      "GIT_SEQUENCE_EDITOR", "SVN_EDITOR", "GIT_SSH_COMMAND", "GIT_EXTERNAL_DIFF", "GIT_ASKPASS", "SSH_ASKPASS",
      "SUDO_ASKPASS", "BASH_ENV", "ENV", "PROMPT_COMMAND", "RSYNC_RSH", "CVS_RSH", "BROWSER", "FCEDIT", "TERMINAL",
      "GIT_PROXY_COMMAND", "CARGO_TARGET_DIR_RUNNER", "npm_config_script_shell"};
  for (auto k : k_names)
    if (k == name) return true;
  return false;
}

// The command line in such a value: LESSOPEN's leading `|` and `%s` placeholders go.
std::string command_line_of(std::string text) {
  std::size_t b = text.find_first_not_of(" |");
  text = b == std::string::npos ? std::string() : text.substr(b);
  for (auto p = text.find("%s"); p != std::string::npos; p = text.find("%s", p)) text.replace(p, 2, "FILE");
  return text;
}

}  // namespace

Reader::Reader(const Limits& limits, const KnownCommand& known, Model& model)
    : m_limits(limits), m_known(known), m_model(model) {
  m_deadline = std::chrono::steady_clock::now() + limits.max_time;
}

Reader::~Reader() {
  for (TSTree* t : m_trees) ts_tree_delete(t);
  if (m_parser) ts_parser_delete(m_parser);
}

void Reader::reason(std::string why) {
  m_model.understood = false;
  if (std::find(m_model.reasons.begin(), m_model.reasons.end(), why) == m_model.reasons.end() &&
      m_model.reasons.size() < 32)
    m_model.reasons.push_back(std::move(why));
}

bool Reader::enter(const Ctx& c) {
  if (m_exhausted) return false;
  if (++m_model.nodes > m_limits.max_nodes) {
    m_exhausted = true;
    reason("the script is too large to analyse (more than " + std::to_string(m_limits.max_nodes) + " nodes)");
    return false;
  }
  if (c.depth > m_limits.max_depth) {
    m_exhausted = true;
    reason("the script nests deeper than " + std::to_string(m_limits.max_depth) + " levels");
    return false;
  }
  if ((++m_checks & 255) == 0 && std::chrono::steady_clock::now() > m_deadline) {
    m_exhausted = true;
    reason("analysis took longer than its time budget");
    return false;
  }
  return true;
}

Span Reader::span_of(TSNode n, const Ctx& c) const {
  if (c.has_outer) return c.outer;
  return Span{ts_node_start_byte(n), ts_node_end_byte(n)};
}

std::string_view Reader::text_of(TSNode n, const Ctx& c) const {
  std::size_t b = ts_node_start_byte(n), e = ts_node_end_byte(n);
  if (b > c.src.size() || e > c.src.size() || e < b) return {};
  return c.src.substr(b, e - b);
}

void Reader::read(std::string_view text, Ctx ctx) {
  if (text.size() > m_limits.max_input) {
    reason("the script is larger than " + std::to_string(m_limits.max_input) + " bytes");
    return;
  }
  if (ctx.nesting > m_limits.max_nesting) {
    reason("scripts nest deeper than " + std::to_string(m_limits.max_nesting) + " levels (sh -c inside sh -c ...)");
    return;
  }
  m_model.scripts.push_back(Fact{std::string(text), ctx.has_outer ? ctx.outer : Span{0, text.size()}});
  if (text.find('\0') != std::string_view::npos) {
    // A shell stops reading at a NUL byte; read both sides, and never prove such text safe.
    reason("the script contains a NUL byte");
    std::string copy(text);
    std::replace(copy.begin(), copy.end(), '\0', '\n');
    m_texts.push_back(std::move(copy));
    text = m_texts.back();
  }
  auto now = std::chrono::steady_clock::now();
  if (now >= m_deadline) {
    reason("analysis took longer than its time budget");
    return;
  }
  auto left = std::chrono::duration_cast<std::chrono::microseconds>(m_deadline - now).count();
  if (!m_parser) {
    // Made at the first text to parse: a plain argv (vg exec -- CMD) often
    // has none, and a parser is a few pages of memory to fault in.
    m_parser = ts_parser_new();
    ts_parser_set_language(m_parser, tree_sitter_bash());
  }
  ts_parser_set_timeout_micros(m_parser, static_cast<std::uint64_t>(std::max<long long>(left, 1)));
  TSTree* tree = ts_parser_parse_string(m_parser, nullptr, text.data(), static_cast<std::uint32_t>(text.size()));
  if (!tree) {
    ts_parser_reset(m_parser);
    reason("parsing took longer than its time budget");
    return;
  }
  m_trees.push_back(tree);
  ctx.src = text;
  TSNode root = ts_tree_root_node(tree);
  if (ts_node_has_error(root)) report_parse_error(root, ctx);
  statement(root, ctx);
}

void Reader::report_parse_error(TSNode root, const Ctx& c) {
  // Descend iteratively to the first ERROR or MISSING node.
  TSNode n = root;
  for (std::size_t guard = 0; guard < 100000; ++guard) {
    if (is(n, "ERROR") || ts_node_is_missing(n)) break;
    bool descended = false;
    for (std::uint32_t i = 0, k = ts_node_child_count(n); i < k; ++i) {
      TSNode ch = ts_node_child(n, i);
      if (ts_node_has_error(ch) || ts_node_is_missing(ch) || is(ch, "ERROR")) {
        n = ch;
        descended = true;
        break;
      }
    }
    if (!descended) break;
  }
  Span s = span_of(n, c);
  std::string where = c.has_outer ? "in a nested script at byte " : "at byte ";
  reason(std::string(ts_node_is_missing(n) ? "incomplete command (the parser expected more) " : "syntax error ") +
         where + std::to_string(s.begin));
}

void Reader::statements_of(TSNode n, Ctx c) {
  std::uint32_t count = ts_node_child_count(n);
  for (std::uint32_t i = 0; i < count; ++i) {
    TSNode ch = ts_node_child(n, i);
    if (!ts_node_is_named(ch)) continue;
    Ctx cc = c;
    if (i + 1 < count) {
      TSNode next = ts_node_child(n, i + 1);
      if (!ts_node_is_named(next) && is(next, "&")) cc.flags |= k_background;
    }
    if (is(ch, "heredoc_body")) continue;  // handled with its redirect
    statement(ch, cc);
  }
}

void Reader::scan(TSNode n, Ctx c) {
  // Permissive: find commands and substitutions anywhere below `n`.
  c.depth++;
  if (!enter(c)) return;
  for (std::uint32_t i = 0, k = ts_node_named_child_count(n); i < k; ++i) {
    TSNode ch = ts_node_named_child(n, i);
    const char* t = ts_node_type(ch);
    if (is_statement_type(t)) {
      statement(ch, c);
    } else if (is(ch, "command_substitution") || is(ch, "process_substitution")) {
      (void)eval(ch, c);
    } else {
      scan(ch, c);
    }
  }
}

void Reader::statement(TSNode n, Ctx c) {
  c.depth++;
  if (!enter(c)) return;
  const char* t = ts_node_type(n);
  if (is(n, "program") || is(n, "compound_statement") || is(n, "do_group") || is(n, "else_clause")) {
    statements_of(n, c);
  } else if (is(n, "list") || is(n, "elif_clause")) {
    // a && b || c: everything after the first runs conditionally.
    statements_of(n, c);
  } else if (is(n, "subshell")) {
    statements_of(n, c);
  } else if (is(n, "command")) {
    (void)command(n, c, {});
  } else if (is(n, "pipeline")) {
    pipeline(n, c);
  } else if (is(n, "redirected_statement")) {
    std::vector<TSNode> redirects;
    TSNode body{};
    bool has_body = false;
    for (std::uint32_t i = 0, k = ts_node_named_child_count(n); i < k; ++i) {
      TSNode ch = ts_node_named_child(n, i);
      if (is_redirect(ch)) {
        redirects.push_back(ch);
      } else if (!has_body) {
        body = ch;
        has_body = true;
      } else {
        scan(ch, c);
      }
    }
    if (has_body && is(body, "command")) {
      (void)command(body, c, redirects);
    } else {
      if (has_body) statement(body, c);
      std::optional<Input> unused;
      for (TSNode r : redirects) {
        Redirect rd = redirect(r, c, unused);
        m_model.redirects.push_back(rd);
      }
    }
  } else if (is(n, "variable_assignment")) {
    assignment(n, c);
  } else if (is(n, "variable_assignments")) {
    for (std::uint32_t i = 0, k = ts_node_named_child_count(n); i < k; ++i) assignment(ts_node_named_child(n, i), c);
  } else if (is(n, "declaration_command")) {
    for (std::uint32_t i = 0, k = ts_node_named_child_count(n); i < k; ++i) {
      TSNode ch = ts_node_named_child(n, i);
      if (is(ch, "variable_assignment")) {
        assignment(ch, c);
      } else if (is(ch, "variable_name")) {
        m_vars.try_emplace(std::string(text_of(ch, c)), std::nullopt);
      } else {
        (void)eval(ch, c);
      }
    }
  } else if (is(n, "unset_command")) {
    for (std::uint32_t i = 0, k = ts_node_named_child_count(n); i < k; ++i) {
      TSNode ch = ts_node_named_child(n, i);
      Value v = eval(ch, c);
      m_vars[v.text] = std::string();
    }
  } else if (is(n, "negated_command")) {
    statements_of(n, c);
  } else if (is(n, "test_command")) {
    c.flags |= k_in_conditional;
    scan(n, c);
  } else if (is(n, "if_statement") || is(n, "case_statement") || is(n, "case_item")) {
    c.flags |= k_in_conditional;
    for (std::uint32_t i = 0, k = ts_node_named_child_count(n); i < k; ++i) {
      TSNode ch = ts_node_named_child(n, i);
      if (is_statement_type(ts_node_type(ch)))
        statement(ch, c);
      else
        (void)eval(ch, c);
    }
  } else if (is(n, "while_statement") || is(n, "c_style_for_statement")) {
    c.flags |= k_in_loop;
    for (std::uint32_t i = 0, k = ts_node_named_child_count(n); i < k; ++i) {
      TSNode ch = ts_node_named_child(n, i);
      if (is_statement_type(ts_node_type(ch)))
        statement(ch, c);
      else
        scan(ch, c);
    }
  } else if (is(n, "for_statement")) {
    for_loop(n, c);
  } else if (is(n, "function_definition")) {
    function_definition(n, c);
  } else if (is(n, "comment")) {
  } else if (is(n, "ERROR")) {
    scan(n, c);
  } else {
    reason(std::string("unsupported shell construct: ") + t);
    scan(n, c);
  }
}

void Reader::assignment(TSNode n, Ctx c) {
  TSNode name = ts_node_child_by_field_name(n, "name", 4);
  TSNode value = ts_node_child_by_field_name(n, "value", 5);
  std::string key = ts_node_is_null(name) ? std::string() : std::string(text_of(name, c));
  std::optional<std::string> val = std::string();
  if (!ts_node_is_null(value)) {
    Value v = eval(value, c);
    if (v.fields) {
      std::string joined;
      for (auto& f : *v.fields) joined += (joined.empty() ? "" : " ") + f;
      v.text = joined;
    }
    if (v.resolved) val = v.text;
    else val = std::nullopt;
    if (is(value, "array")) val = std::nullopt;
  }
  // An assignment inside a loop, branch or function may or may not happen.
  if (c.flags & (k_in_loop | k_in_conditional | k_in_function | k_background)) {
    auto it = m_vars.find(key);
    if (it == m_vars.end() || it->second != val) val = std::nullopt;
  }
  if (!key.empty()) m_vars[key] = val;
  if (key == "IFS") {
    if (val) m_ifs = *val;
    else reason("IFS is set to a value only known at run time (word splitting is unknown)");
  }
}

void Reader::for_loop(TSNode n, Ctx c) {
  c.flags |= k_in_loop;
  TSNode var = ts_node_child_by_field_name(n, "variable", 8);
  TSNode body = ts_node_child_by_field_name(n, "body", 4);
  std::vector<Arg> values;
  bool has_in = false;
  for (std::uint32_t i = 0, k = ts_node_child_count(n); i < k; ++i) {
    TSNode ch = ts_node_child(n, i);
    if (!ts_node_is_named(ch)) {
      if (is(ch, "in")) has_in = true;
      continue;
    }
    if (!has_in || ts_node_eq(ch, var) || ts_node_eq(ch, body)) continue;
    Value v = eval(ch, c);
    append_fields(v, span_of(ch, c), values);
  }
  std::string name = ts_node_is_null(var) ? std::string() : std::string(text_of(var, c));
  bool all_known = has_in && !values.empty() && values.size() <= 8 &&
                   std::all_of(values.begin(), values.end(), [](const Arg& a) { return a.resolved; });
  if (ts_node_is_null(body)) return;
  if (all_known) {
    // Walk the body once per value, so `for d in / /home; do rm -rf $d; done` is seen.
    bool first = true;
    for (const Arg& a : values) {
      m_vars[name] = a.text;
      Ctx cc = c;
      cc.record = c.record && first;
      statement(body, cc);
      first = false;
    }
  }
  m_vars[name] = std::nullopt;
  if (!all_known) statement(body, c);
}

void Reader::function_definition(TSNode n, Ctx c) {
  TSNode name = ts_node_child_by_field_name(n, "name", 4);
  TSNode body = ts_node_child_by_field_name(n, "body", 4);
  if (ts_node_is_null(body)) return;
  std::string fname = ts_node_is_null(name) ? std::string() : std::string(text_of(name, c));
  std::size_t first = m_model.commands.size();
  // Walk the body once where it is defined (positional parameters unknown).
  Ctx cc = c;
  cc.flags |= k_in_function;
  auto saved = m_positional;
  m_positional.reset();
  m_calling.insert(fname);
  statement(body, cc);
  m_calling.erase(fname);
  m_positional = saved;
  // A function that calls itself in a pipeline or in the background is a fork bomb.
  bool self = false, background = false, piped = false;
  for (std::size_t i = first; i < m_model.commands.size(); ++i) {
    const auto& cmd = m_model.commands[i];
    if (!cmd.argv.empty() && cmd.argv[0] == fname) {
      self = true;
      background |= (cmd.context & k_background) != 0;
      piped |= (cmd.context & k_in_pipeline) != 0;
    }
  }
  if (self) {
    m_model.structures.push_back(Fact{"recursive-function name=" + fname + " background=" +
                                          (background ? "1" : "0") + " pipe=" + (piped ? "1" : "0"),
                                      span_of(n, c)});
  }
  m_functions[fname] = Function{body, c.src};
}

void Reader::pipeline(TSNode n, Ctx c) {
  c.flags |= k_in_pipeline;
  std::vector<std::string> stages;
  m_pipe_input.reset();
  bool have_input = false;
  for (std::uint32_t i = 0, k = ts_node_named_child_count(n); i < k; ++i) {
    TSNode ch = ts_node_named_child(n, i);
    if (!have_input) m_pipe_input.reset();
    have_input = false;
    std::size_t before = m_model.commands.size();
    std::optional<std::size_t> idx;
    std::optional<Input> in = m_pipe_input;
    if (is(ch, "command")) {
      idx = command(ch, c, {});
    } else if (is(ch, "redirected_statement")) {
      statement(ch, c);
      if (m_model.commands.size() > before) idx = m_model.commands.size() - 1;
    } else {
      m_pipe_input.reset();
      statement(ch, c);
    }
    if (idx && *idx < m_model.commands.size()) {
      const SimpleCommand& cmd = m_model.commands[*idx];
      stages.push_back(join_argv(cmd.argv));
      auto out = output_of(cmd, in);
      if (!out) out = Input{};
      if (out->origin.empty()) out->origin = join_argv(cmd.argv);
      m_pipe_input = out;
      have_input = true;
    } else {
      stages.push_back(std::string(text_of(ch, c)));
    }
  }
  m_pipe_input.reset();
  std::string text;
  for (auto& s : stages) text += (text.empty() ? "" : " | ") + s;
  if (stages.size() > 1) m_model.pipelines.push_back(Fact{text, span_of(n, c)});
}

}  // namespace vg::risk::detail

namespace vg::risk::detail {

Redirect Reader::redirect(TSNode n, Ctx c, std::optional<Input>& input) {
  Redirect r;
  r.span = span_of(n, c);
  if (is(n, "file_redirect")) {
    bool have_target = false;
    for (std::uint32_t i = 0, k = ts_node_child_count(n); i < k; ++i) {
      TSNode ch = ts_node_child(n, i);
      if (!ts_node_is_named(ch)) {
        if (!have_target) r.op = std::string(text_of(ch, c));
      } else if (!have_target && is(ch, "ERROR")) {
        r.op += std::string(text_of(ch, c));  // the grammar has no `<>`: it reads `<`, ERROR(`>`), word
      } else if (have_target) {
        (void)eval(ch, c);  // `>& /dev/tcp/h/p 0` puts the next word here
      } else if (!is(ch, "file_descriptor")) {
        have_target = true;
        Value v = eval(ch, c);
        r.target = normalize_path(v.text);
        r.resolved = v.resolved;
      }
    }
    if (r.op == "<" || r.op == "<&" || r.op == "<&-") {
      input = Input{"", false, "< " + r.target};
    }
  } else if (is(n, "herestring_redirect")) {
    r.op = "<<<";
    for (std::uint32_t i = 0, k = ts_node_named_child_count(n); i < k; ++i) {
      TSNode ch = ts_node_named_child(n, i);
      if (is(ch, "file_descriptor")) continue;
      Value v = eval(ch, c);
      r.target = v.text;
      r.resolved = v.resolved;
      input = Input{v.text + "\n", v.resolved, v.origin};
    }
  } else if (is(n, "heredoc_redirect")) {
    r.op = "<<";
    bool quoted = false;
    std::string body;
    bool resolved = true;
    for (std::uint32_t i = 0, k = ts_node_child_count(n); i < k; ++i) {
      TSNode ch = ts_node_child(n, i);
      if (is(ch, "heredoc_start")) {
        std::string_view delim = text_of(ch, c);
        quoted = delim.find_first_of("'\"\\") != std::string_view::npos;
        r.target = std::string(delim);
      } else if (is(ch, "heredoc_body")) {
        if (quoted) {
          body = std::string(text_of(ch, c));
        } else {
          // Expansions inside an unquoted heredoc run.
          std::size_t pos = ts_node_start_byte(ch);
          for (std::uint32_t j = 0, kk = ts_node_named_child_count(ch); j < kk; ++j) {
            TSNode part = ts_node_named_child(ch, j);
            std::size_t b = ts_node_start_byte(part);
            if (b > pos && b <= c.src.size()) body += unescape_double(c.src.substr(pos, b - pos));
            if (is(part, "heredoc_content")) {
              body += unescape_double(text_of(part, c));
            } else {
              Value v = eval(part, c);
              body += v.text;
              resolved = resolved && v.resolved;
            }
            pos = ts_node_end_byte(part);
          }
          std::size_t e = ts_node_end_byte(ch);
          if (e > pos && e <= c.src.size()) body += unescape_double(c.src.substr(pos, e - pos));
        }
      }
    }
    input = Input{body, resolved, "heredoc"};
    r.target = body;
    r.resolved = resolved;
  }
  return r;
}

std::optional<std::size_t> Reader::command(TSNode n, Ctx c, const std::vector<TSNode>& extra_redirects) {
  std::optional<Input> input = std::move(m_pipe_input);
  m_pipe_input.reset();
  c.depth++;
  if (!enter(c)) return std::nullopt;
  std::vector<Arg> args;
  std::vector<TSNode> redirect_nodes;
  std::vector<TSNode> continuations;  // pipelines hanging off a heredoc (`cat <<EOF | sh`)
  Span name_span{};
  bool have_name = false;
  std::size_t prev_end = 0;
  for (std::uint32_t i = 0, k = ts_node_named_child_count(n); i < k; ++i) {
    TSNode ch = ts_node_named_child(n, i);
    if (is_redirect(ch)) {
      redirect_nodes.push_back(ch);
      continue;
    }
    if (is(ch, "variable_assignment")) {
      // A prefix assignment (`X=1 cmd`) applies to cmd only; still evaluate it.
      TSNode value = ts_node_child_by_field_name(ch, "value", 5);
      TSNode var = ts_node_child_by_field_name(ch, "name", 4);
      if (ts_node_is_null(value)) continue;
      Value v = eval(value, c);
      // PAGER=, LESSOPEN=, GIT_SSH_COMMAND=, BASH_ENV=...: cmd will run that command line.
      if (!ts_node_is_null(var) && names_a_command_line(text_of(var, c)))
        nested_script(command_line_of(v.text), v.resolved, v.origin, std::string(text_of(var, c)), span_of(n, c), c);
      continue;
    }
    if (is(ch, "subshell")) {
      statement(ch, c);
      continue;
    }
    TSNode word = ch;
    if (is(ch, "command_name")) {
      if (ts_node_named_child_count(ch) == 0) continue;
      word = ts_node_named_child(ch, 0);
      name_span = span_of(ch, c);
      have_name = true;
    }
    Value v = eval(word, c);
    std::size_t b = ts_node_start_byte(ch);
    // `a\<newline>b` is one word to bash, two nodes to the grammar.
    if (!args.empty() && b >= 2 && b == prev_end + 2 && c.src.substr(prev_end, 2) == "\\\n" && !v.fields) {
      args.back().text += v.text;
      args.back().resolved = args.back().resolved && v.resolved;
    } else {
      append_fields(v, span_of(ch, c), args);
    }
    prev_end = ts_node_end_byte(ch);
  }
  for (TSNode r : extra_redirects) redirect_nodes.push_back(r);
  std::vector<Redirect> redirects;
  for (TSNode r : redirect_nodes) {
    redirects.push_back(redirect(r, c, input));
    m_model.redirects.push_back(redirects.back());
    if (is(r, "heredoc_redirect")) {
      for (std::uint32_t i = 0, k = ts_node_named_child_count(r); i < k; ++i) {
        TSNode ch = ts_node_named_child(r, i);
        if (is(ch, "pipeline") || is(ch, "command") || is(ch, "list")) continuations.push_back(ch);
      }
    }
  }
  if (!have_name || args.empty()) {
    for (TSNode cont : continuations) statement(cont, c);
    return std::nullopt;
  }
  std::size_t first = m_model.commands.size();
  std::optional<std::size_t> inner = run_argv(std::move(args), input, redirects, span_of(n, c), c);
  if (m_model.commands.size() <= first || !inner) return std::nullopt;
  m_model.commands[first].name_span = name_span;
  std::size_t last = *inner;
  // `cat <<EOF | sh`: the heredoc's command feeds the pipeline that follows it.
  for (TSNode cont : continuations) {
    const SimpleCommand& head = m_model.commands[last];
    std::string head_text = join_argv(head.argv);
    Ctx cc = c;
    cc.flags |= k_in_pipeline;
    TSNode stage = cont;
    std::vector<std::string> texts{head_text};
    std::optional<Input> out = output_of(head, input);
    // The grammar nests `| a | b` as a pipeline whose children are the stages.
    std::vector<TSNode> stages;
    if (is(cont, "pipeline")) {
      for (std::uint32_t i = 0, k = ts_node_named_child_count(cont); i < k; ++i)
        stages.push_back(ts_node_named_child(cont, i));
    } else {
      stages.push_back(stage);
    }
    for (TSNode st : stages) {
      if (!out) out = Input{};
      if (out->origin.empty()) out->origin = texts.back();
      m_pipe_input = out;
      std::optional<std::size_t> idx;
      if (is(st, "command")) idx = command(st, cc, {});
      else statement(st, cc);
      m_pipe_input.reset();
      if (idx) {
        texts.push_back(join_argv(m_model.commands[*idx].argv));
        out = output_of(m_model.commands[*idx], out);
      } else {
        texts.push_back(std::string(text_of(st, c)));
        out.reset();
      }
    }
    std::string text;
    for (auto& t : texts) text += (text.empty() ? "" : " | ") + t;
    m_model.pipelines.push_back(Fact{text, span_of(n, c)});
  }
  return last;
}

}  // namespace vg::risk::detail
