#include "cache/key.hpp"

#include <algorithm>
#include <cstdio>

#include "cache/codec.hpp"
#include "cache/scan.hpp"
#include "config/sha256.hpp"
#include "cache/tools.hpp"

namespace vg::cache {
namespace {

constexpr std::string_view k_key_version = "vg-cache-key-1";

std::string digest_list(std::string_view tag, const std::vector<std::string>& items) {
  config::Sha256 h;
  h.update_field(tag);
  for (const auto& i : items) h.update_field(i);
  return h.finish_hex();
}

std::string digest_pairs(std::string_view tag, const std::vector<std::pair<std::string, std::string>>& items) {
  config::Sha256 h;
  h.update_field(tag);
  for (const auto& [k, v] : items) {
    h.update_field(k);
    h.update_field(v);
  }
  return h.finish_hex();
}

std::string octal(unsigned bits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%o", bits & 0777u);
  return buf;
}

}  // namespace

const std::vector<std::string_view>& volatile_variables() {
  static const std::vector<std::string_view> k_names = {
      "OLDPWD", "TERM_SESSION_ID", "WINDOWID", "SSH_*", "XDG_SESSION_ID", "XDG_VTNR",
      "XDG_SEAT", "TMUX", "TMUX_PANE", "STY", "WINDOW", "ITERM_SESSION_ID", "KITTY_WINDOW_ID",
      "ALACRITTY_WINDOW_ID", "WEZTERM_PANE", "KONSOLE_DBUS_SESSION", "KONSOLE_DBUS_WINDOW",
      "GNOME_TERMINAL_SCREEN", "GNOME_TERMINAL_SERVICE", "SECURITYSESSIONID", "GPG_TTY"};
  return k_names;
}

std::vector<std::string> without_volatile(const std::vector<std::string>& env) {
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& kv : env) {
    if (!volatile_variable(std::string_view(kv).substr(0, kv.find('=')))) out.push_back(kv);
  }
  return out;
}

bool volatile_variable(std::string_view name) {
  for (auto v : volatile_variables()) {
    if (v.ends_with('*') ? name.starts_with(v.substr(0, v.size() - 1)) : name == v) return true;
  }
  return false;
}

std::vector<std::pair<std::string, std::string>> Ingredients::digests() const {
  return {
      {"command", digest_list("argv", argv)},
      {"cwd", config::sha256_hex(cwd)},
      {"env", digest_pairs("env", env)},
      {"programs", digest_pairs("programs", programs)},
      {"profile", config::sha256_hex(profile)},
      {"terminal", config::sha256_hex(terminal)},
      {"salt", salt},
      {"inputs", inputs},
  };
}

std::string Ingredients::key() const {
  config::Sha256 h;
  h.update_field(k_key_version);
  for (const auto& [name, digest] : digests()) {
    h.update_field(name);
    h.update_field(digest);
  }
  return h.finish_hex();
}

void Ingredients::encode(Writer& w) const {
  w.u64(argv.size());
  for (const auto& a : argv) w.str(a);
  w.str(cwd);
  w.u64(env.size());
  for (const auto& [k, v] : env) {
    w.str(k);
    w.str(v);
  }
  w.u64(programs.size());
  for (const auto& [k, v] : programs) {
    w.str(k);
    w.str(v);
  }
  w.str(profile);
  w.str(terminal);
  w.str(salt);
  w.str(inputs);
}

bool Ingredients::decode(Reader& r) {
  argv.resize(r.count());
  for (auto& a : argv) a = r.str();
  cwd = r.str();
  env.resize(r.count());
  for (auto& [k, v] : env) {
    k = r.str();
    v = r.str();
  }
  programs.resize(r.count());
  for (auto& [k, v] : programs) {
    k = r.str();
    v = r.str();
  }
  profile = r.str();
  terminal = r.str();
  salt = r.str();
  inputs = r.str();
  return r.ok();
}

Result<Key> compute_key(const KeyInputs& in, StatCache& stats) {
  WalkOptions walk{in.workspace, in.excludes, in.max_entries};
  auto scan = scan_tree(walk, walk.threads);
  if (!scan) return scan.error();
  return compute_key(in, stats, std::move(*scan));
}

Result<Ingredients> command_ingredients(const KeyInputs& in, StatCache& stats) {
  if (in.argv.empty()) return make_error("no command to key");
  Ingredients g;
  g.argv = in.argv;
  g.cwd = in.cwd;
  std::string path_var;
  for (const auto& kv : in.env) {
    auto eq = kv.find('=');
    std::string name = kv.substr(0, eq);
    std::string value = eq == std::string::npos ? std::string{} : kv.substr(eq + 1);
    if (name == "PATH") path_var = value;
    if (volatile_variable(name)) continue;
    g.env.emplace_back(std::move(name), std::move(value));
  }
  std::sort(g.env.begin(), g.env.end());
  // Duplicates: the first occurrence is what getenv() returns in the child.
  g.env.erase(std::unique(g.env.begin(), g.env.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
              g.env.end());

  std::vector<std::string> names{in.argv.front()};
  names.insert(names.end(), in.programs.begin(), in.programs.end());
  auto programs = digest_programs(names, path_var, in.cwd, stats);
  if (!programs) return programs.error();
  g.programs = std::move(*programs);

  g.profile = in.profile;
  auto tty = [](bool t) { return t ? "tty" : "pipe"; };
  // stdin "data" (a pipe, socket or file) is stored only from runs traced
  // not to read it; "pipe" (/dev/null, closed) runs may have read it.
  g.terminal = std::string("stdin=") + (in.stdin_data && !in.stdin_tty ? "data" : tty(in.stdin_tty)) +
               " stdout=" + tty(in.stdout_tty) +
               " stderr=" + tty(in.stderr_tty) + " umask=" + octal(in.umask);
  g.salt = config::sha256_hex(std::string("salt:") + in.salt);
  return g;
}

Result<Key> compute_key(const KeyInputs& in, StatCache& stats, Scan scan) {
  auto command = command_ingredients(in, stats);
  if (!command) return command.error();
  WalkOptions walk{in.workspace, in.excludes, in.max_entries};
  auto tree = digest_scan(walk, std::move(scan), stats);
  if (!tree) return tree.error();
  return make_key(std::move(*command), std::move(*tree));
}

Key make_key(Ingredients command, Tree tree) {
  Key key;
  key.ingredients = std::move(command);
  key.tree = std::move(tree);
  key.ingredients.inputs = key.tree.digest();
  key.hex = key.ingredients.key();
  return key;
}

std::string profile_text(const config::Sandbox& s) {
  std::string out;
  auto line = [&out](std::string_view k, const std::string& v) {
    out.append(k).append("=").append(v).append("\n");
  };
  line("runtime", s.runtime);
  line("isolation.filesystem", s.isolation.filesystem);
  line("isolation.network", s.isolation.network ? "true" : "false");
  line("isolation.user", s.isolation.user);
  for (const auto& c : s.isolation.capabilities) line("isolation.capability", c);
  line("network.mode", config::to_string(s.network.mode));
  for (const auto& h : s.network.allowed_hosts) line("network.allowed", h);
  for (const auto& h : s.network.blocked_hosts) line("network.blocked", h);
  line("resources.cpu", std::to_string(s.resources.cpu));
  line("resources.memory", std::to_string(s.resources.memory));
  line("resources.disk", std::to_string(s.resources.disk));
  line("resources.pids", std::to_string(s.resources.pids));
  line("resources.timeout", std::to_string(s.resources.timeout));
  for (const auto& v : s.volumes) {
    line("volume", v.source + ":" + v.target + ":" + config::to_string(v.mode));
  }
  for (const auto& e : s.exclude) line("exclude", e);
  return out;
}

}  // namespace vg::cache
