#include "shell-hooks/plan.hpp"

#include <algorithm>

#include "shell-hooks/lexical.hpp"

namespace vg::hooks {
namespace {

enum class Kind {
  skip,      // no command word (assignments or redirections only)
  native,    // builtin, keyword, function or alias: runs in the interactive shell
  external,  // a program: goes through `vg exec --`
  bypass,    // `\cmd` or `command cmd`, allowed by policy: runs natively
  vg,        // vg itself (typed `vg exec ...`): never wrapped again
};

struct Classified {
  const Command* command;
  Kind kind;
  bool code;  // the word sits where the interactive shell runs it
};

// Builtins that run code the risk engine may not have seen.
bool runs_unseen_code(std::string_view name) {
  return name == "eval" || name == "source" || name == "." || name == "exec" || name == "trap" || name == "fc";
}

std::string unquote(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    if (c != '\'' && c != '"' && c != '\\') out.push_back(c);
  }
  return out;
}

// Single-quote `text` for a shell.
std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += "'\\''";
    else out.push_back(c);
  }
  out += "'";
  return out;
}

bool contains(const Command& outer, const Command& inner) {
  return &outer != &inner && outer.command_begin <= inner.begin && inner.end <= outer.command_end;
}

class Planner {
 public:
  explicit Planner(const PlanInput& in) : m_in(in), m_lex(classify(in.line)) {}

  Plan run() {
    Plan plan;
    if (m_in.route == LineRoute::refuse) {
      plan.verdict = Verdict::refuse;
      plan.reason = m_in.route_reason;
      return plan;
    }
    LineRoute route = m_in.route;
    std::string route_reason = m_in.route_reason;
    for (const auto& b : m_in.bodies) {
      if (b.route == LineRoute::refuse) {
        plan.verdict = Verdict::refuse;
        plan.reason = "function '" + b.function + "' runs a refused command (" + b.reason + ")";
        return plan;
      }
      if (b.route == LineRoute::sandbox) {
        plan.verdict = Verdict::refuse;
        plan.reason = "function '" + b.function + "' runs commands that must go to the sandbox (" + b.reason +
                      "), but a function runs inside your shell; run its commands through 'vg exec --' instead";
        return plan;
      }
      if (b.route == LineRoute::ask && route != LineRoute::ask) {
        route = LineRoute::ask;
        route_reason = "function '" + b.function + "': " + b.reason;
      }
    }
    for (const auto& c : m_in.commands) m_classified.push_back(classify_command(c, plan));
    std::vector<std::string> uncovered = find_uncovered();
    if (!uncovered.empty() && m_in.route == LineRoute::sandbox) {
      plan.verdict = Verdict::refuse;
      plan.reason = "this line must run in the sandbox (" + m_in.route_reason + "), but " + uncovered.front() +
                    "; run it whole as: vg exec --shell " + shell_quote(m_in.line);
      return plan;
    }
    plan.text = rewrite();
    if (route == LineRoute::ask) {
      plan.verdict = Verdict::ask;
      plan.reason = route_reason;
      return plan;
    }
    plan.verdict = plan.text == m_in.line ? Verdict::native : Verdict::wrap;
    if (plan.verdict == Verdict::native) plan.text.clear();
    return plan;
  }

 private:
  bool in_code(std::size_t pos) const { return pos < m_lex.size() && m_lex[pos] == Lex::code; }

  Classified classify_command(const Command& c, Plan& plan) const {
    Classified out{&c, Kind::external, false};
    if (c.name.empty() || c.end <= c.begin || c.end > m_in.line.size()) {
      out.kind = Kind::skip;
      return out;
    }
    std::string_view raw = m_in.line.substr(c.begin, c.end - c.begin);
    bool dynamic = raw.find('$') != std::string_view::npos || raw.find('`') != std::string_view::npos;
    // A span that does not hold the word (a command from a nested string
    // mapped elsewhere) is never a place to insert text.
    bool located = dynamic || unquote(raw) == c.name;
    out.code = located && in_code(c.begin);
    if (c.name == "vg") {
      out.kind = Kind::vg;
    } else if (!dynamic && c.name.find('/') == std::string::npos && m_in.shell_names.count(c.name) != 0) {
      out.kind = Kind::native;
    } else if (out.code && (raw.front() == '\\' || previous_word(m_in.line, c.begin) == "command")) {
      if (m_in.bypass == Bypass::allowed) {
        out.kind = Kind::bypass;
      } else {
        plan.notes.push_back("'" + std::string(raw) + "': the bypass is not allowed by policy; it goes through vg");
      }
    }
    return out;
  }

  // Covered: inside a command that vg runs (wrapped, or typed `vg ...`),
  // where the nested shell vg runs will see it.
  bool covered(const Classified& c) const {
    for (const auto& other : m_classified) {
      bool runs_through_vg = (other.kind == Kind::external && other.code) || other.kind == Kind::vg;
      if (runs_through_vg && !c.code && contains(*other.command, *c.command)) return true;
    }
    return false;
  }

  bool through_vg(const Classified& c) const {
    if (c.kind == Kind::vg || c.kind == Kind::bypass) return true;
    if (c.kind == Kind::external) return c.code || covered(c);
    return covered(c);
  }

  // Parts of the line that would run in the interactive shell although
  // they carry risk, as phrases for the refusal.
  std::vector<std::string> find_uncovered() const {
    std::vector<std::string> out;
    for (const auto& c : m_classified) {
      if (c.kind == Kind::external && !c.code && !covered(c)) {
        out.push_back("'" + c.command->name + "' sits in text your shell evaluates itself");
      }
    }
    for (const auto& f : m_in.findings) {
      const Classified* innermost = nullptr;
      for (const auto& c : m_classified) {
        const Command& cmd = *c.command;
        if (cmd.command_begin <= f.begin && f.begin < cmd.command_end &&
            (!innermost || cmd.command_end - cmd.command_begin <
                               innermost->command->command_end - innermost->command->command_begin)) {
          innermost = &c;
        }
      }
      if (!innermost) {
        out.push_back("finding '" + f.rule + "' is outside any command vg can wrap");
      } else if (!through_vg(*innermost)) {
        out.push_back("finding '" + f.rule + "' is in '" + innermost->command->name +
                      "', which runs inside your shell");
      }
    }
    if (!m_in.understood) {
      for (const auto& c : m_classified) {
        if (c.kind == Kind::native && runs_unseen_code(c.command->name)) {
          out.push_back("'" + c.command->name + "' would run code vg could not read inside your shell");
        }
      }
    }
    return out;
  }

  std::string rewrite() const {
    std::string prefix = m_in.sandbox_flag ? "vg exec --sandbox -- " : "vg exec -- ";
    std::vector<std::size_t> points;
    for (const auto& c : m_classified) {
      if (c.kind == Kind::external && c.code) points.push_back(c.command->begin);
    }
    if (points.empty()) return std::string(m_in.line);
    // An alias left in the expanded line would be expanded again by the
    // shell that runs the rewrite: `\name` stops that.
    std::vector<std::size_t> escapes;
    for (const auto& c : m_classified) {
      if (c.kind == Kind::native && c.code && m_in.alias_names.count(c.command->name) != 0 &&
          m_in.line.substr(c.command->begin, c.command->end - c.command->begin) == c.command->name) {
        escapes.push_back(c.command->begin);
      }
    }
    std::sort(points.begin(), points.end());
    points.erase(std::unique(points.begin(), points.end()), points.end());
    std::sort(escapes.begin(), escapes.end());
    escapes.erase(std::unique(escapes.begin(), escapes.end()), escapes.end());
    std::vector<std::pair<std::size_t, const char*>> inserts;
    for (std::size_t p : points) inserts.emplace_back(p, prefix.c_str());
    for (std::size_t p : escapes) inserts.emplace_back(p, "\\");
    std::sort(inserts.begin(), inserts.end());
    std::string out;
    std::size_t at = 0;
    for (const auto& [p, text] : inserts) {
      out.append(m_in.line.substr(at, p - at));
      out += text;
      at = p;
    }
    out.append(m_in.line.substr(at));
    return out;
  }

  const PlanInput& m_in;
  std::vector<Lex> m_lex;
  std::vector<Classified> m_classified;
};

}  // namespace

std::optional<Shell> parse_shell(std::string_view name) {
  if (name == "bash") return Shell::bash;
  if (name == "zsh") return Shell::zsh;
  if (name == "fish") return Shell::fish;
  return std::nullopt;
}

const char* to_string(Shell shell) {
  switch (shell) {
    case Shell::bash: return "bash";
    case Shell::zsh: return "zsh";
    case Shell::fish: return "fish";
  }
  return "?";
}

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::native: return "native";
    case Verdict::wrap: return "wrap";
    case Verdict::ask: return "ask";
    case Verdict::refuse: return "refuse";
  }
  return "?";
}

Plan make_plan(const PlanInput& input) { return Planner(input).run(); }

std::string blank_fish_prefixes(std::string_view line) {
  std::string out(line);
  auto lex = classify(line);
  bool command_start = true;
  for (std::size_t i = 0; i < out.size();) {
    char c = out[i];
    if (lex[i] != Lex::code) {
      command_start = false;
      ++i;
      continue;
    }
    if (c == ';' || c == '\n' || c == '|' || c == '&') {
      command_start = true;
      ++i;
      continue;
    }
    if (c == ' ' || c == '\t') {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < out.size() && out[end] != ' ' && out[end] != '\t' && out[end] != ';' && out[end] != '\n' &&
           out[end] != '|' && out[end] != '&')
      ++end;
    std::string_view word = std::string_view(out).substr(i, end - i);
    bool prefix = word == "and" || word == "or" || word == "not" || word == "begin";
    if (command_start && prefix && end < out.size() && (out[end] == ' ' || out[end] == '\t')) {
      for (std::size_t k = i; k < end; ++k) out[k] = ' ';
    } else {
      command_start = false;
    }
    i = end;
  }
  return out;
}

std::unordered_set<std::string> parse_names(std::string_view text) {
  std::unordered_set<std::string> names;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view name = text.substr(0, nl);
    while (!name.empty() && (name.back() == '\r' || name.back() == ' ')) name.remove_suffix(1);
    if (!name.empty()) names.emplace(name);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return names;
}

}  // namespace vg::hooks
