// Effects of one simple command from the catalogue (see effects.hpp):
// options are read with the arity the catalogue gives them, operands get
// their entry's effects, subcommands are followed (git push, docker compose
// up), and a program or subcommand the catalogue lacks is unknown.
#include "risk/effects.hpp"

#include <algorithm>

#include "risk/runners.hpp"
#include "risk/unwrap.hpp"
#include "risk/words.hpp"

namespace vg::risk {
namespace {

using config::Level;

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Words that ask a program about itself and change nothing.
bool asks_about_itself(const std::vector<std::string>& argv, bool has_subcommands) {
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--") break;
    if (a == "--help" || a == "--version" || a == "--usage") return true;
  }
  if (has_subcommands && argv.size() > 2 && argv.back() == "help") return true;  // aws s3 cp help
  return argv.size() == 2 && (argv[1] == "-h" || argv[1] == "-V" || argv[1] == "-?" || argv[1] == "help" ||
                              argv[1] == "version" || argv[1] == "--help-all");
}

// Spellings of "change nothing" common to most programs.
bool generic_dry_run(std::string_view a) {
  return a == "--dry-run" || a == "--dryrun" || a == "--dry-run=client" || a == "--dry-run=server" ||
         a == "--dry-run=true" || a == "--simulate" || a == "--no-act" || a == "--just-print" || a == "--check" ||
         a == "--what-if" || a == "--noop" || a == "--plan";
}

const OptionSpec* find_option(const ProgramSpec& spec, std::string_view name) {
  for (const auto& o : spec.options)
    if (!o.key_value && o.name == name) return &o;
  return nullptr;
}

bool is_noop_word(const ProgramSpec& spec, std::string_view word) {
  for (const auto& o : spec.options) {
    if (o.kind != OptionSpec::Kind::noop) continue;
    if (o.name == word) return true;
    if (o.name.back() == '*' && starts_with(word, o.name.substr(0, o.name.size() - 1))) return true;  // describe-*
  }
  return false;
}

const OptionSpec* find_key(const ProgramSpec& spec, std::string_view word) {
  auto eq = word.find('=');
  if (eq == std::string_view::npos) return nullptr;
  for (const auto& o : spec.options)
    if (o.key_value && o.name == word.substr(0, eq)) return &o;
  return nullptr;
}

// A path an option or operand gives, with the effect it gets.
struct Touch {
  std::string path;
  bool resolved = true;
  Effect effect = Effect::read;
};

// What reading an argv against its catalogue entries found.
struct Reading {
  std::vector<const ProgramSpec*> specs;  // the program, then each subcommand
  std::vector<Touch> touches;
  std::vector<std::pair<std::string, bool>> operands;
  std::optional<Effect> as;
  std::optional<Effect> as_last;
  bool noop = false;
  bool recursive = false;
  bool pattern_given = false;             // grep -e PAT: no operand is the pattern
  bool loosens_mode = false;              // chmod 777, o+w: others may read or write
  std::string unknown_sub;                // a subcommand the catalogue lacks
};

// Read `argv[from..]` against `spec`, descending into subcommands.
void read_args(const SimpleCommand& cmd, std::size_t from, const ProgramSpec& spec, Reading& r) {
  r.specs.push_back(&spec);
  const auto& argv = cmd.argv;
  bool options_done = false;
  bool seen_option = false;
  for (std::size_t i = from; i < argv.size(); ++i) {
    const std::string& w = argv[i];
    bool resolved = i < cmd.resolved.size() ? cmd.resolved[i] : true;
    auto take_value = [&](const OptionSpec& o, std::string value, bool value_resolved) {
      if (o.pattern) r.pattern_given = true;
      if (o.effect != Effect::data) r.touches.push_back(Touch{std::move(value), value_resolved, o.effect});
    };
    auto flag = [&](const OptionSpec& o) {
      if (o.kind == OptionSpec::Kind::as) r.as = o.effect;
      else if (o.kind == OptionSpec::Kind::as_last) r.as_last = o.effect;
      else if (o.kind == OptionSpec::Kind::noop) r.noop = true;
      else if (o.kind == OptionSpec::Kind::recursive) r.recursive = true;
    };
    if (!options_done && w == "--") {
      options_done = true;
      continue;
    }
    if (!options_done && generic_dry_run(w)) {
      r.noop = true;
      continue;
    }
    if (!options_done && w.size() > 1 && w[0] == '-') {
      seen_option = true;
      std::string_view name = w;
      auto eq = name.find('=');
      if (eq != std::string_view::npos) name = name.substr(0, eq);
      if (const OptionSpec* o = find_option(spec, name)) {
        if (o->kind != OptionSpec::Kind::value) flag(*o);
        else if (eq != std::string_view::npos) take_value(*o, w.substr(eq + 1), resolved);
        else if (i + 1 < argv.size()) take_value(*o, argv[i + 1], i + 1 >= cmd.resolved.size() || cmd.resolved[i + 1]), ++i;
        continue;
      }
      if (w[1] == '-') continue;  // an option the catalogue does not list: taken as a flag
      for (std::size_t k = 1; k < w.size(); ++k) {
        char buf[3] = {'-', w[k], 0};
        const OptionSpec* o = find_option(spec, std::string_view(buf, 2));
        if (!o) continue;
        if (o->kind != OptionSpec::Kind::value) {
          flag(*o);
          continue;
        }
        if (k + 1 < w.size()) take_value(*o, w.substr(k + 1), resolved);
        else if (i + 1 < argv.size()) take_value(*o, argv[i + 1], i + 1 >= cmd.resolved.size() || cmd.resolved[i + 1]), ++i;
        break;
      }
      continue;
    }
    if (w[0] != '-' && is_noop_word(spec, w)) {
      r.noop = true;
      continue;
    }
    if (const OptionSpec* o = find_key(spec, w)) {
      take_value(*o, w.substr(w.find('=') + 1), resolved);
      continue;
    }
    if (spec.operands_first && seen_option) continue;  // find's expression
    if (spec.subcommands && r.operands.empty()) {
      std::string key = std::string(spec.key) + ":" + w;
      if (const ProgramSpec* sub = find_program(key)) {
        read_args(cmd, i + 1, *sub, r);
        return;
      }
      r.unknown_sub = w;
      return;
    }
    r.operands.emplace_back(w, resolved);
  }
}

EffectNote note(EffectNote::Kind kind, const SimpleCommand& cmd, std::string subject, Level level) {
  EffectNote e;
  e.kind = kind;
  e.subject = std::move(subject);
  e.command = std::string(base_name(cmd.argv[0]));
  e.level = level;
  e.span = cmd.span;
  return e;
}

// After `cd DIR`, DIR is the project the command works in when it is one a
// project can be (a home subtree, a temporary or other directory), not a
// system tree or a whole home: `cd ~/project && rm -rf ./dist`.
TargetClass within_cd(const SimpleCommand& cmd, const std::string& path, TargetClass c) {
  if (c == TargetClass::workspace_all && (cmd.context & k_below_workspace)) return TargetClass::workspace;
  if (cmd.cwd.empty() || path.empty() || path[0] == '~') return c;
  TargetClass dir = classify_target(cmd.cwd, true);
  if (dir != TargetClass::home_other && dir != TargetClass::elsewhere && dir != TargetClass::elsewhere_top &&
      dir != TargetClass::temp && dir != TargetClass::workspace)
    return c;
  std::string norm = normalize_path(path);
  if (norm.size() <= cmd.cwd.size() + 1 || !starts_with(norm, cmd.cwd + "/")) return c;
  return classify_target(norm.substr(cmd.cwd.size() + 1), true);
}

// Does chmod MODE let group or others write, or others read (777, 666, o+rw, a+w, +r)?
bool loosens(std::string_view mode) {
  if (!mode.empty() && mode.find_first_not_of("01234567") == std::string_view::npos) {
    int other = mode.back() - '0';
    int group = mode.size() >= 2 ? mode[mode.size() - 2] - '0' : 0;
    return (other & 6) != 0 || (group & 2) != 0;
  }
  for (std::string_view s : {"o+", "a+", "g+w", "ugo+"})
    if (mode.find(s) != std::string_view::npos) return true;
  return !mode.empty() && mode[0] == '+';
}

// A file whose content is a secret: a home's secrets (but public keys), the
// system's password hashes, sudoers, host keys.
bool is_secret(const EffectNote& e) {
  if (e.kind != EffectNote::Kind::path || e.effect != Effect::read) return false;
  std::string_view p = e.subject;
  if (p.size() > 4 && p.substr(p.size() - 4) == ".pub") return false;
  if (e.target == TargetClass::home_secret || e.target == TargetClass::home) return true;
  if (e.target != TargetClass::system) return false;
  std::string n = normalize_path(p);
  for (std::string_view s : {"/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/ssh/ssh_host_", "/etc/ssl/private",
                             "/etc/security/opasswd", "/etc/master.passwd"})
    if (starts_with(n, s)) return true;
  return false;
}

// A command that reads a secret and talks to the network (or writes to
// another machine) sends it out: critical, whatever the tool.
void add_exfiltration(const SimpleCommand& cmd, std::size_t first, std::vector<EffectNote>& out) {
  bool network = false;
  const EffectNote* secret = nullptr;
  std::vector<EffectNote> inputs;
  for (const auto& r : cmd.redirects) {
    if (r.op != "<") continue;
    EffectNote n;
    n.kind = EffectNote::Kind::path;
    n.effect = Effect::read;
    n.subject = r.target;
    n.target = classify_target(r.target, r.resolved);
    inputs.push_back(std::move(n));
  }
  for (std::size_t i = first; i < out.size(); ++i) {
    const EffectNote& e = out[i];
    network = network || e.kind == EffectNote::Kind::network ||
              (e.kind == EffectNote::Kind::path && e.target == TargetClass::remote && e.effect != Effect::read);
    if (!secret && is_secret(e)) secret = &e;
  }
  for (const auto& e : inputs)
    if (!secret && is_secret(e)) secret = &e;
  if (!network || !secret) return;
  EffectNote x = note(EffectNote::Kind::network, cmd, "sends " + secret->subject, Level::critical);
  x.network = Network::send;
  out.push_back(std::move(x));
}

// The command line in `text` after one of the escapes programs use to run one.
std::optional<std::string> escaped_command(std::string_view text, bool whole) {
  auto rest = [&](std::size_t n) { return std::optional<std::string>(std::string(text.substr(n))); };
  while (!text.empty() && (text[0] == ' ' || text[0] == '\t')) text.remove_prefix(1);
  static const std::string_view k_prefixes[] = {
      ".shell ", ".system ", "\\! ", "\\!", ":!", "!", "shell ", "system ", "exec=", "ProxyCommand=",
      "ProxyCommand ", "LocalCommand=", "LocalCommand ", "KnownHostsCommand=", "RemoteCommand=", "core.pager=",
      "core.sshCommand=", "core.fsmonitor=", "core.editor=", "core.hooksPath=", "sequence.editor=", "diff.external=",
      "credential.helper=!", "pager.log=", "gpg.program=", "alias."};
  for (std::string_view p : k_prefixes) {
    if (!starts_with(text, p)) continue;
    if (p == "alias.") {  // alias.NAME=!CMD
      auto bang = text.find("=!");
      if (bang == std::string_view::npos) return std::nullopt;
      return rest(bang + 2);
    }
    return rest(p.size());
  }
  if (auto at = text.find("write18{"); at != std::string_view::npos) {  // TeX \\write18{CMD}
    auto close = text.find('}', at);
    if (close != std::string_view::npos) return std::string(text.substr(at + 8, close - at - 8));
  }
  for (std::string_view open : {"%(", "execute(", "execute-silent(", "become(", "$(shell "}) {
    auto at = text.find(open);
    if (at == std::string_view::npos) continue;
    auto close = text.rfind(')');
    if (close == std::string_view::npos || close < at + open.size()) return std::nullopt;
    return std::string(text.substr(at + open.size(), close - at - open.size()));
  }
  if (whole) return std::string(text);
  return std::nullopt;
}

void add_path(const SimpleCommand& cmd, const Touch& t, bool recursive, bool remote_syntax,
              std::vector<EffectNote>& out) {
  if (t.effect == Effect::shell || t.effect == Effect::escape) {
    auto line = escaped_command(t.path, t.effect == Effect::shell);
    if (!line || line->empty()) return;
    EffectNote e = note(EffectNote::Kind::runs, cmd, std::move(*line), Level::low);
    if (!t.resolved) e = note(EffectNote::Kind::unknown, cmd, "a command line only known at run time", Level::medium);
    out.push_back(std::move(e));
    return;
  }
  if (t.effect == Effect::data || t.path == "-" || t.path.empty()) return;
  TargetClass c = within_cd(cmd, t.path, classify_target(t.path, t.resolved, remote_syntax));
  Effect effect = t.effect;
  // find -exec rm {} gets START/* for what find matched: a filtered walk, not everything.
  if ((cmd.context & k_find_exec) && effect == Effect::remove) effect = Effect::remove_in;
  bool glob = t.path.find_first_of("*?[") != std::string::npos;
  EffectNote e = note(EffectNote::Kind::path, cmd, t.path, effect_level(effect, c, recursive || glob));
  e.effect = effect;
  e.target = c;
  out.push_back(std::move(e));
}

bool system_binary(std::string_view path) {
  for (std::string_view d : {"/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/", "/usr/local/bin/", "/usr/local/sbin/",
                             "/usr/libexec/", "/opt/homebrew/bin/", "/snap/bin/"})
    if (starts_with(path, d) && path.find('/', d.size()) == std::string_view::npos) return true;
  return false;
}

}  // namespace

bool command_effects_known(const SimpleCommand& cmd, std::vector<EffectNote>& out);

bool command_effects(const SimpleCommand& cmd, std::vector<EffectNote>& out) {
  if (cmd.argv.empty() || (cmd.context & k_function_call)) return false;  // a function's body has its own commands
  const std::string& name = cmd.argv[0];
  bool name_known = cmd.resolved.empty() || cmd.resolved[0];
  if (!name_known) {
    out.push_back(note(EffectNote::Kind::unknown, cmd, "a program only known at run time (`" + name + "`)",
                       Level::medium));
    return false;
  }
  std::size_t first = out.size();
  bool quiet = command_effects_known(cmd, out);
  if (!quiet) add_exfiltration(cmd, first, out);
  return quiet;
}

bool command_effects_known(const SimpleCommand& cmd, std::vector<EffectNote>& out) {
  const std::string& name = cmd.argv[0];
  // A runner (npx jest, uv run pytest, python -m pip): the reader unwrapped
  // the program it runs, which has effects of its own.
  if (runs_program_at(cmd.argv) > 0) return false;
  std::string base(base_name(name));
  const ProgramSpec* spec = find_program(base);
  if (name.find('/') != std::string::npos && !system_binary(name)) {
    // A program by its path: running it is the effect (the project's own scripts are low);
    // one the catalogue knows (bin/rails, ./gradlew) also does what it does.
    EffectNote e = note(EffectNote::Kind::path, cmd, name, Level::low);
    e.effect = Effect::exec;
    e.target = classify_target(name, true);
    e.level = effect_level(Effect::exec, e.target, false);
    out.push_back(std::move(e));
    if (!spec || !spec->subcommands) return false;
  }
  if (!spec) {
    // Wrappers, shells and the like: what they run is a command of its own.
    if (classify(base) != Runs::nothing) return false;
    out.push_back(note(EffectNote::Kind::unknown, cmd, "the program `" + base + "`", Level::medium));
    return false;
  }
  if (asks_about_itself(cmd.argv, spec->subcommands)) return true;
  Reading r;
  if (spec->bundled && cmd.argv.size() > 1 && !cmd.argv[1].empty() && cmd.argv[1][0] != '-') {
    // tar cvf ARCHIVE: the first word is a cluster of options without its dash.
    SimpleCommand dashed = cmd;
    dashed.argv[1] = "-" + dashed.argv[1];
    read_args(dashed, 1, *spec, r);
  } else {
    read_args(cmd, 1, *spec, r);
  }
  if (!r.unknown_sub.empty()) {
    for (const Touch& t : r.touches)  // hg --config alias.x='!cmd' x: what runs runs anyway
      if (t.effect == Effect::shell || t.effect == Effect::escape) add_path(cmd, t, false, false, out);
    std::string key(r.specs.back()->key);
    std::replace(key.begin(), key.end(), ':', ' ');
    out.push_back(note(EffectNote::Kind::unknown, cmd, "the subcommand `" + key + " " + r.unknown_sub + "`",
                       Level::medium));
    return false;
  }
  if (r.noop) return true;
  const ProgramSpec& leaf = *r.specs.back();
  // `mount`, `ifconfig`, `iptables`, `sysctl` alone list what they would change.
  bool bare = cmd.argv.size() == 1;
  for (const ProgramSpec* s : r.specs) {
    bool lists = bare && (s->system == SystemChange::mounts || s->system == SystemChange::network ||
                          s->system == SystemChange::firewall || s->system == SystemChange::kernel);
    if (s->system != SystemChange::none && !lists) {
      EffectNote e = note(EffectNote::Kind::system, cmd, to_string(s->system), system_level(s->system));
      e.system = s->system;
      out.push_back(std::move(e));
    }
    if (s->floor > Level::low) out.push_back(note(EffectNote::Kind::system, cmd, std::string(s->key), s->floor));
  }
  if (leaf.network != Network::none) {
    EffectNote e = note(EffectNote::Kind::network, cmd, leaf.network == Network::send ? "sends" : "fetches",
                        leaf.network == Network::send ? Level::medium : Level::low);
    e.network = leaf.network;
    out.push_back(std::move(e));
  }
  bool remote_syntax = base == "scp" || base == "rsync" || base == "sftp" || base == "tar" || base == "gtar";
  if ((base == "ssh" || base == "mosh" || base == "sftp" || base == "autossh") && r.operands.size() <= 1) {
    // An interactive session on another machine: what happens there is not on the line.
    EffectNote e = note(EffectNote::Kind::network, cmd, "opens a session on another machine", Level::medium);
    e.network = Network::send;
    out.push_back(std::move(e));
  }
  if (base == "chmod" && !r.operands.empty() && loosens(r.operands[0].first)) r.loosens_mode = true;
  for (const Touch& t : r.touches) add_path(cmd, t, r.recursive, remote_syntax, out);
  const auto& ops = leaf.operands;
  if (ops.empty()) return false;
  // With the pattern given by an option, operands start at the first non-data effect.
  std::size_t skip = 0;
  if (r.pattern_given)
    while (skip + 1 < ops.size() && ops[skip] == Effect::data) ++skip;
  for (std::size_t i = 0; i < r.operands.size(); ++i) {
    Effect e = ops[std::min(i + skip, ops.size() - 1)];
    if (leaf.last && i + 1 == r.operands.size() && i > 0) e = *leaf.last;
    if (r.as && e != Effect::data) e = *r.as;
    if (r.as_last && i + 1 == r.operands.size() && i > 0) e = *r.as_last;
    add_path(cmd, Touch{r.operands[i].first, r.operands[i].second, e}, r.recursive, remote_syntax, out);
    if (r.loosens_mode && e == Effect::mode && out.back().target == TargetClass::home_secret)
      out.back().level = Level::high;  // chmod 777 ~/.ssh/id_rsa: the key is anyone's
  }
  return false;
}

void redirect_effects(const Redirect& r, std::vector<EffectNote>& out) {
  Effect e;
  if (r.op == ">" || r.op == ">|" || r.op == "&>" || r.op == ">&") e = Effect::truncate;
  else if (r.op == ">>" || r.op == "&>>") e = Effect::write;
  else if (r.op == "<") e = Effect::read;
  else return;  // here-documents, descriptor duplication
  if (!r.target.empty() && std::all_of(r.target.begin(), r.target.end(), [](char c) { return c == '-' || std::isdigit(static_cast<unsigned char>(c)); }))
    return;  // >&2, <&-
  EffectNote n;
  n.kind = EffectNote::Kind::path;
  n.effect = e;
  n.subject = r.target;
  n.command = r.op;
  n.target = classify_target(r.target, r.resolved);
  n.level = effect_level(e, n.target, false);
  n.span = r.span;
  out.push_back(std::move(n));
}

std::string describe(const EffectNote& e) {
  switch (e.kind) {
    case EffectNote::Kind::path:
      return e.command + " " + to_string(e.effect) + " " + e.subject + " (" + to_string(e.target) + ")";
    case EffectNote::Kind::system: return e.command + " changes the system: " + e.subject;
    case EffectNote::Kind::network: return e.command + " " + e.subject + " over the network";
    case EffectNote::Kind::unknown: return e.command + ": vg has no knowledge of " + e.subject;
    case EffectNote::Kind::runs: return e.command + " runs the command line `" + e.subject + "`";
  }
  return e.subject;
}

}  // namespace vg::risk
