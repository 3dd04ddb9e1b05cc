// `vg config show|path|check|trust|untrust`: the layered configuration,
// where each value came from, and trust of repository configs.
#include <CLI/CLI.hpp>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <memory>
#include <string>

#include "config/embedded_files.hpp"
#include "config/exit_codes.hpp"
#include "config/json.hpp"
#include "config/keys.hpp"
#include "config/load.hpp"
#include "config/result.hpp"
#include "config/sha256.hpp"
#include "config/suggest.hpp"
#include "config/trust.hpp"
#include "config/yaml_file.hpp"
#include "vg/command.hpp"
#include "vg/context.hpp"

namespace vg {
namespace {

config::LoadOptions load_options(const Context& ctx) {
  config::LoadOptions options;
  options.flags = ctx.config_flags;
  return options;
}

config::Config load_or_die(const Context& ctx) {
  auto loaded = config::load(load_options(ctx));
  if (!loaded) throw Fatal(exit_code::k_config, loaded.error().message);
  return std::move(loaded).value();
}

void print_notes(const config::Config& c) {
  for (const auto& note : c.notes) std::fprintf(stderr, "vg: note: %s\n", note.c_str());
}

void show_text(const config::Config& c) {
  std::size_t key_width = 0;
  std::size_t value_width = 0;
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& key : config::all_keys()) {
    std::string value = config::to_text(key.get(c));
    key_width = std::max(key_width, std::string_view(key.path).size());
    value_width = std::max(value_width, std::min<std::size_t>(value.size(), 24));
    rows.emplace_back(key.path, value);
  }
  for (const auto& [key, value] : rows) {
    auto origin = c.origins.find(key);
    std::string where = origin == c.origins.end() ? "default" : origin->second.to_string();
    std::printf("%-*s = %-*s  (%s)\n", static_cast<int>(key_width), key.c_str(), static_cast<int>(value_width),
                value.c_str(), where.c_str());
  }
  std::printf("\nproject root: %s\n", c.project_root.c_str());
  std::printf("files read:%s\n", c.files_read.empty() ? " none" : "");
  for (const auto& f : c.files_read) std::printf("  %s\n", f.c_str());
  if (!c.notes.empty()) {
    std::printf("notes:\n");
    for (const auto& n : c.notes) std::printf("  %s\n", n.c_str());
  }
}

void show_json(const config::Config& c) {
  std::string out = "{\"values\":{";
  bool first = true;
  for (const auto& key : config::all_keys()) {
    auto origin = c.origins.find(key.path);
    std::string where = origin == c.origins.end() ? "default" : origin->second.to_string();
    out += (first ? "" : ",") + json_escape(key.path) + ":{\"value\":" + config::to_json(key.get(c)) +
           ",\"origin\":" + json_escape(where) + "}";
    first = false;
  }
  out += "},\"project_root\":" + json_escape(c.project_root) + ",\"files_read\":[";
  for (std::size_t i = 0; i < c.files_read.size(); ++i) out += (i ? "," : "") + json_escape(c.files_read[i]);
  out += "],\"notes\":[";
  for (std::size_t i = 0; i < c.notes.size(); ++i) out += (i ? "," : "") + json_escape(c.notes[i]);
  out += "]}\n";
  std::fputs(out.c_str(), stdout);
}

const char* state_name(config::ConsideredFile::State s) {
  switch (s) {
    case config::ConsideredFile::State::read: return "read";
    case config::ConsideredFile::State::missing: return "missing";
    case config::ConsideredFile::State::trusted: return "read, trusted";
    case config::ConsideredFile::State::untrusted: return "read, untrusted (may only tighten)";
  }
  return "?";
}

int show_paths(const Context& ctx) {
  config::LoadTrace trace;
  auto loaded = config::load(load_options(ctx), trace);
  std::printf("%-10s %-s\n", "default", "built-in defaults.yaml (read)");
  bool repo = false;
  for (const auto& f : trace.files) {
    std::printf("%-10s %s (%s)\n", f.layer.c_str(), f.path.c_str(), state_name(f.state));
    repo = repo || f.layer == "repository";
  }
  if (!repo && loaded) std::printf("%-10s none: no .vg.yaml from the working directory up\n", "repository");
  std::printf("trust store: %s\n", config::trust_store_file().c_str());
  if (!loaded) throw Fatal(exit_code::k_config, loaded.error().message);
  return 0;
}

int check(const Context& ctx, const std::string& file) {
  if (file.empty()) {
    config::Config c = load_or_die(ctx);
    print_notes(c);
    std::printf("ok: %zu config file%s read\n", c.files_read.size(), c.files_read.size() == 1 ? "" : "s");
    return 0;
  }
  auto checked = config::check_file(file, load_options(ctx));
  if (!checked) throw Fatal(exit_code::k_config, checked.error().message);
  print_notes(*checked);
  std::printf("ok: %s\n", file.c_str());
  return 0;
}

std::string real_path_or_die(const std::string& path) {
  char buf[PATH_MAX];
  if (!::realpath(path.c_str(), buf)) {
    throw Fatal(exit_code::k_usage, path + ": " + std::strerror(errno));
  }
  return buf;
}

int trust(const Context& ctx, const std::string& path) {
  std::string real = real_path_or_die(path);
  auto text = config::read_config_file(real);
  if (!text) throw Fatal(exit_code::k_config, text.error().message);
  if (!*text) throw Fatal(exit_code::k_usage, real + ": no such file");
  // Refuse to trust a file that does not even load.
  auto checked = config::check_file(real, load_options(ctx));
  if (!checked) throw Fatal(exit_code::k_config, checked.error().message + " (not trusted)");
  // What the trust will let through: the notes of a load from its directory.
  config::LoadOptions options = load_options(ctx);
  options.cwd = real.substr(0, real.find_last_of('/'));
  options.cwd = options.cwd.empty() ? "/" : options.cwd;
  std::vector<std::string> loosened;
  if (auto before = config::load(options)) {
    for (const auto& note : before->notes) {
      if (note.find(" " + real + ":") != std::string::npos || note.find(" " + real + " ") != std::string::npos) {
        loosened.push_back(note.substr(0, note.find(" — ")));
      }
    }
  }
  std::string store = config::trust_store_file();
  if (auto r = config::trust_config(store, real, **text); !r) throw Fatal(exit_code::k_internal, r.error().message);
  std::printf("trusted %s (sha256 %s)\n", real.c_str(), config::sha256_hex(**text).c_str());
  if (loosened.empty()) {
    std::printf("it only tightens your policy; nothing changes\n");
  } else {
    std::printf("these settings, ignored until now, will apply:\n");
    for (auto& n : loosened) std::printf("  %s\n", n.substr(std::string_view("ignoring ").size()).c_str());
  }
  std::printf("editing the file revokes the trust; 'vg config untrust %s' removes it\n", real.c_str());
  return 0;
}

int untrust(const std::string& path) {
  char buf[PATH_MAX];
  std::string real = ::realpath(path.c_str(), buf) ? std::string(buf) : path;
  auto removed = config::untrust_config(config::trust_store_file(), real);
  if (!removed) throw Fatal(exit_code::k_internal, removed.error().message);
  std::printf("%s %s\n", *removed ? "untrusted" : "was not trusted:", real.c_str());
  return 0;
}

// `vg config get KEY`: the effective value, and on a terminal where it came
// from; a pipe gets the bare value, for scripts.
int get_key(const Context& ctx, const std::string& key) {
  const config::KeyInfo* info = config::find_key(key);
  if (!info) {
    std::vector<std::string> names;
    for (const auto& k : config::all_keys()) names.emplace_back(k.path);
    std::string hint = nearest(key, names);
    throw Fatal(exit_code::k_usage, "unknown config key '" + key + "'" +
                                        (hint.empty() ? "" : "; did you mean '" + hint + "'?") + " (see 'vg config show')");
  }
  config::Config c = load_or_die(ctx);
  std::string value = config::to_text(info->get(c));
  if (::isatty(STDOUT_FILENO)) {
    auto origin = c.origins.find(key);
    std::printf("%s  (%s)\n", value.c_str(), origin == c.origins.end() ? "default" : origin->second.to_string().c_str());
  } else {
    std::printf("%s\n", value.c_str());
  }
  return 0;
}

void register_config(CLI::App& app, Context& ctx) {
  auto* cfg = app.add_subcommand("config", "Show, check and trust the layered configuration");
  cfg->require_subcommand(1);

  auto json = std::make_shared<bool>(false);
  auto* show = cfg->add_subcommand("show", "Print every effective value and where it came from");
  show->add_flag("--json", *json, "Machine-readable output");
  show->callback([&ctx, json] {
    config::Config c = load_or_die(ctx);
    if (*json) show_json(c);
    else show_text(c);
    ctx.exit_code = 0;
  });

  auto key = std::make_shared<std::string>();
  auto* get = cfg->add_subcommand("get", "Print the effective value of KEY and where it came from");
  get->add_option("key", *key, "A dotted key, e.g. sandbox.mode (see 'vg config show')")->required();
  get->callback([&ctx, key] { ctx.exit_code = get_key(ctx, *key); });

  auto* defaults = cfg->add_subcommand("defaults", "Print the built-in defaults (a complete, commented config file)");
  defaults->callback([&ctx] {
    for (const auto& f : config::embedded_files()) {
      if (f.name == "defaults.yaml") std::fwrite(f.text.data(), 1, f.text.size(), stdout);
    }
    ctx.exit_code = 0;
  });

  auto* path = cfg->add_subcommand("path", "List the config files considered, in layer order");
  path->callback([&ctx] { ctx.exit_code = show_paths(ctx); });

  auto file = std::make_shared<std::string>();
  auto* chk = cfg->add_subcommand("check", "Validate FILE, or every layer (exit 0, or 78 on an error)");
  chk->add_option("file", *file, "A config file to validate");
  chk->callback([&ctx, file] { ctx.exit_code = check(ctx, *file); });

  auto trust_path = std::make_shared<std::string>();
  auto* tr = cfg->add_subcommand("trust", "Let the repository config PATH loosen your policy (until it is edited)");
  tr->add_option("path", *trust_path, "The .vg.yaml to trust")->required();
  tr->callback([&ctx, trust_path] { ctx.exit_code = trust(ctx, *trust_path); });

  auto untrust_path = std::make_shared<std::string>();
  auto* un = cfg->add_subcommand("untrust", "Withdraw the trust of the repository config PATH");
  un->add_option("path", *untrust_path, "The .vg.yaml to untrust")->required();
  un->callback([&ctx, untrust_path] { ctx.exit_code = untrust(*untrust_path); });
}

const CommandRegistration k_registration{"config", register_config};

}  // namespace
}  // namespace vg
