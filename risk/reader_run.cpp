// run_argv: record one simple command, then follow what it runs through the
// handler of its program (reader_handlers.hpp), unwrapping repeatedly; and
// the public entry points read_script / read_argv.
#include <algorithm>

#include "risk/catalogue.hpp"
#include "risk/reader_args.hpp"
#include "risk/runners.hpp"
#include "risk/reader_handlers.hpp"
#include "risk/reader_impl.hpp"
#include "risk/unwrap.hpp"
#include "risk/words.hpp"

namespace vg::risk::detail {
namespace {

Step run_nothing(Reader&, Call&) { return Step::done; }

// Special programs (unwrap.hpp's Runs::special) by base name.
Handler special_handler(std::string_view base) {
  static const std::pair<std::string_view, Handler> k_special[] = {
      {"env", run_env},          {"su", run_user_switch},        {"sg", run_user_switch},
      {"script", run_user_switch}, {"flock", run_user_switch},   {"runuser", run_user_switch},
      {"watch", run_watch},      {"xargs", run_xargs},           {"parallel", run_xargs},
      {"find", run_find},        {"ssh", run_ssh}, {"mosh", run_ssh},               {"docker", run_container_exec},
      {"podman", run_container_exec}, {"nerdctl", run_container_exec}, {"kubectl", run_container_exec},
      {"oc", run_container_exec}, {"eval", run_eval},            {"source", run_source},
      {".", run_source},         {"trap", run_trap},             {"alias", run_alias},
      {"awk", run_awk},          {"gawk", run_awk},              {"mawk", run_awk},
      {"nawk", run_awk},         {"sudoedit", run_nothing},
  };
  for (const auto& [name, h] : k_special)
    if (name == base) return h;
  return run_nothing;
}

}  // namespace

Handler handler_for(std::string_view base) {
  switch (classify(base)) {
    case Runs::argv: return run_wrapper;
    case Runs::shell: return run_shell;
    case Runs::interpreter: return run_interpreter;
    case Runs::special: return special_handler(base);
    case Runs::nothing: return nullptr;
  }
  return nullptr;
}

void Reader::resolve_against_cwd(std::vector<Arg>& args) const {
  // `cd / && rm -rf *`: relative paths of destructive commands resolve against a known directory.
  if (!args[0].resolved || !m_cwd) return;
  std::string_view b = base_name(args[0].text);
  if (!is_destructive(b) && b != "find") return;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& t = args[i].text;
    if (!args[i].resolved || t.empty() || t[0] == '-' || t[0] == '/' || t[0] == '$' || t[0] == '~') continue;
    if (t.find('=') != std::string::npos) continue;
    args[i].text = normalize_path(*m_cwd + "/" + t);
    if (args[i].text.size() > 2 && args[i].text.substr(args[i].text.size() - 2) == "/.")
      args[i].text.resize(args[i].text.size() - 2);
  }
}

std::size_t Reader::record(const std::vector<Arg>& args, const std::vector<Redirect>& redirects, bool outer,
                           Span span, const Ctx& c) {
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
  if (m_cwd) cmd.cwd = *m_cwd;
  if (m_below_workspace) cmd.context |= k_below_workspace;
  m_model.commands.push_back(std::move(cmd));
  return m_model.commands.size() - 1;
}

void Reader::call_function(const Function& f, const std::string& name, const std::vector<Arg>& args, Span span,
                           const Ctx& c) {
  // A call of a function defined earlier: walk its body with these arguments.
  auto saved = m_positional;
  std::vector<std::string> pos;
  bool all = true;
  for (std::size_t i = 1; i < args.size(); ++i) pos.push_back(args[i].text), all = all && args[i].resolved;
  m_positional = all ? std::optional(pos) : std::nullopt;
  m_calling.insert(name);
  Ctx body_ctx = c;
  body_ctx.flags |= k_in_function;
  body_ctx.record = false;
  body_ctx.src = f.src;
  if (!c.has_outer) {
    body_ctx.has_outer = true;
    body_ctx.outer = span;
  }
  statement(f.body, body_ctx);
  m_calling.erase(name);
  m_positional = saved;
}

std::optional<std::size_t> Reader::run_argv(std::vector<Arg> args, std::optional<Input> input,
                                            std::vector<Redirect> redirects, Span span, Ctx c) {
  std::optional<std::size_t> last;
  bool outer = true;
  for (int round = 0; round < 32 && !args.empty(); ++round) {
    c.depth++;
    if (!enter(c)) return last;
    resolve_against_cwd(args);
    last = record(args, redirects, outer, span, c);

    if (!args[0].resolved) {
      reason("the command name is only known at run time: `" + args[0].text + "`");
      if (!args[0].origin.empty()) m_model.pipelines.push_back(Fact{args[0].origin + " | sh", span});
      return last;
    }
    const std::string name = args[0].text;
    const std::string base(base_name(name));

    if (auto f = m_functions.find(name); f != m_functions.end() && !m_calling.count(name) && m_calling.size() < 8) {
      m_model.commands[*last].context |= k_function_call;
      call_function(f->second, name, args, span, c);
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

    Call call{args, texts(args), input, span, c, base, outer, {}, false};
    if (std::size_t at = runs_program_at(call.words); at > 0) {
      // npx jest, uv run pytest, python -m pip install x: the program it runs is a command of its own.
      args = tail(args, at);
      outer = false;
      c.flags |= k_unwrapped;
      continue;
    }
    Handler h = handler_for(base);
    if (outer && (base == "cd" || base == "pushd")) h = run_cd;
    else if (outer && base == "set") h = run_set;
    else if (!h && !m_known(base) && !is_data_command(base) && !find_program(base)) h = run_unknown;
    if (!h || h(*this, call) == Step::done || call.next.empty()) return last;

    args = std::move(call.next);
    outer = false;
    c.flags |= k_unwrapped;
    if (call.remote) c.flags |= k_remote;
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
