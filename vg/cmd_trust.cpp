// `vg trust add|ls|rm`: remembered approvals that route a matching plain
// command to the host (see router/trust.hpp for what a PATTERN matches).
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "config/exit_codes.hpp"
#include "config/json.hpp"
#include "config/load.hpp"
#include "config/result.hpp"
#include "router/clock.hpp"
#include "router/trust.hpp"
#include "vg/command.hpp"
#include "vg/context.hpp"

namespace vg {
namespace {

struct TrustOptions {
  std::string pattern;
  std::string duration;
  std::string note;
  bool json = false;
  std::string what;
};

void print_warnings(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) std::fprintf(stderr, "vg: warning: %s\n", w.c_str());
}

std::string cwd() {
  char buf[4096];
  return ::getcwd(buf, sizeof buf) ? buf : "";
}

std::string expiry_text(const router::TrustEntry& e, std::time_t now) {
  if (e.expires == 0) return "never";
  std::string t = router::rfc3339(static_cast<std::time_t>(e.expires));
  return e.expired(now) ? t + " (expired)" : t;
}

int trust_add(Context& ctx, const TrustOptions& o) {
  router::TrustEntry entry;
  const char* path_env = std::getenv("PATH");
  auto made = router::entry_from_pattern(o.pattern, path_env ? path_env : "", cwd());
  if (!made) throw Fatal(exit_code::k_usage, made.error().message);
  entry = *made;
  entry.note = o.note;
  std::time_t now = std::time(nullptr);
  entry.created = now;
  if (!o.duration.empty()) {
    auto seconds = router::parse_duration(o.duration);
    if (!seconds) {
      throw Fatal(exit_code::k_usage, "--for '" + o.duration + "' is not a duration; write e.g. 30m, 12h, 7d or 2w");
    }
    entry.expires = now + *seconds;
  }
  std::vector<std::string> warnings;
  auto added = router::TrustStore::add(router::TrustStore::default_path(), entry, warnings);
  print_warnings(warnings);
  if (!added) throw Fatal(exit_code::k_internal, "trust file not written: " + added.error().message);
  std::printf("%s  %s  (%s; expires %s)\n", added->id.c_str(), added->pattern.c_str(), added->executable.c_str(),
              expiry_text(*added, now).c_str());
  // Say so when the current policy will not let the entry take effect.
  config::LoadOptions options;
  options.flags = ctx.config_flags;
  if (auto config = config::load(options); config) {
    if (config->sandbox.enabled && config->sandbox.mode == config::Mode::always &&
        !config->sandbox.allow_host_override) {
      std::fprintf(stderr,
                   "vg: note: in mode 'always' trust entries apply only with sandbox.allow_host_override: true\n");
    }
  }
  return 0;
}

int trust_ls(const TrustOptions& o) {
  std::vector<std::string> warnings;
  auto store = router::TrustStore::load(router::TrustStore::default_path(), warnings);
  print_warnings(warnings);
  std::time_t now = std::time(nullptr);
  if (o.json) {
    JsonWriter w;
    w.begin_array();
    for (const auto& e : store.entries()) {
      w.begin_object();
      w.key("id").value(e.id);
      w.key("pattern").value(e.pattern);
      w.key("executable").value(e.executable);
      w.key("args").begin_array();
      for (const auto& a : e.args) w.value(a);
      w.end_array();
      w.key("prefix").value(e.prefix);
      w.key("created").value(router::rfc3339(static_cast<std::time_t>(e.created)));
      w.key("expires");
      if (e.expires == 0) w.null();
      else w.value(router::rfc3339(static_cast<std::time_t>(e.expires)));
      w.key("expired").value(e.expired(now));
      w.key("note").value(e.note);
      w.end_object();
    }
    w.end_array();
    std::printf("%s\n", w.str().c_str());
    return 0;
  }
  if (store.entries().empty()) {
    std::fprintf(stderr, "vg: no trust entries (add one with: vg trust add 'PATTERN')\n");
    return 0;
  }
  std::printf("%-8s  %-30s  %-24s  %s\n", "ID", "EXPIRES", "PATTERN", "EXECUTABLE / NOTE");
  for (const auto& e : store.entries()) {
    std::printf("%-8s  %-30s  %-24s  %s%s%s\n", e.id.c_str(), expiry_text(e, now).c_str(), e.pattern.c_str(),
                e.executable.c_str(), e.note.empty() ? "" : "  # ", e.note.c_str());
  }
  return 0;
}

int trust_rm(const TrustOptions& o) {
  std::vector<std::string> warnings;
  auto removed = router::TrustStore::remove(router::TrustStore::default_path(), o.what, warnings);
  print_warnings(warnings);
  if (!removed) throw Fatal(exit_code::k_internal, "trust file not written: " + removed.error().message);
  if (removed->empty()) {
    std::fprintf(stderr, "vg: no trust entry has the id or pattern '%s' (see 'vg trust ls')\n", o.what.c_str());
    return 1;
  }
  for (const auto& e : *removed) std::printf("removed %s  %s\n", e.id.c_str(), e.pattern.c_str());
  return 0;
}

void register_trust(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<TrustOptions>();
  auto* trust = app.add_subcommand("trust", "Remembered approvals: matching plain commands run on the host");
  trust->require_subcommand(1);
  auto* add = trust->add_subcommand("add", "Trust PATTERN: e.g. 'npm test', or 'make *' for any arguments");
  add->add_option("pattern", o->pattern, "A plain command; a last word * matches any further arguments")->required();
  add->add_option("--for", o->duration, "Expire after this long: 30m, 12h, 7d, 2w");
  add->add_option("--note", o->note, "Why this is trusted");
  add->callback([&ctx, o] { ctx.exit_code = trust_add(ctx, *o); });
  auto* ls = trust->add_subcommand("ls", "List trust entries");
  ls->add_flag("--json", o->json, "Machine-readable output");
  ls->callback([&ctx, o] { ctx.exit_code = trust_ls(*o); });
  auto* rm = trust->add_subcommand("rm", "Remove the entries with this id or pattern");
  rm->add_option("what", o->what, "An entry id or its exact pattern")->required();
  rm->callback([&ctx, o] { ctx.exit_code = trust_rm(*o); });
}

const CommandRegistration k_registration{"trust", register_trust};

}  // namespace
}  // namespace vg
