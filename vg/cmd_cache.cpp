// `vg cache`: look into and manage the result cache — ls, show, rm, clear,
// stats, why.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cache/exec_cache.hpp"
#include "cache/policy.hpp"
#include "cache/queue.hpp"
#include "cache/setup.hpp"
#include "cache/store.hpp"
#include "cache/traced.hpp"
#include "cache/tree.hpp"
#include "cache/why.hpp"
#include "config/exit_codes.hpp"
#include "config/printable.hpp"
#include "config/result.hpp"
#include "risk/engine.hpp"
#include "sandbox/environment.hpp"
#include "vg/command.hpp"
#include "vg/context.hpp"

extern char** environ;

namespace vg {
namespace {

struct CacheOptions {
  bool json = false;
  std::string key;
  std::vector<std::string> argv;
  std::string shell_script;
};

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += char(c);
        }
    }
  }
  return out + "\"";
}

std::string human_size(std::uint64_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = double(n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

std::string human_age(std::int64_t ns) {
  std::int64_t s = ns / 1'000'000'000;
  if (s < 0) s = 0;
  char buf[32];
  if (s < 60) std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(s));
  else if (s < 3600) std::snprintf(buf, sizeof buf, "%lldm", static_cast<long long>(s / 60));
  else if (s < 86400) std::snprintf(buf, sizeof buf, "%lldh", static_cast<long long>(s / 3600));
  else std::snprintf(buf, sizeof buf, "%lldd", static_cast<long long>(s / 86400));
  return buf;
}

std::string command_text(const cache::Entry& e) {
  const auto& a = e.ingredients.argv;
  if (a.size() == 3 && a[0] == "/bin/sh" && a[1] == "-c") return a[2];
  std::string out;
  for (const auto& w : a) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::string one_line(const std::string& s, std::size_t max) {
  std::string flat = s;
  for (char& c : flat) {
    if (c == '\n') c = ' ';
  }
  std::string out = printable(flat);
  if (out.size() > max) out = out.substr(0, max) + "...";
  return out;
}

cache::Store open_store(Context& ctx) {
  config::Config config = load_config_or_die(ctx);
  return cache::Store(cache::store_options(config));
}

template <class T>
T or_die(Result<T> r) {
  if (!r) throw Fatal(exit_code::k_internal, r.error().message);
  return std::move(r).value();
}

int cache_ls(Context& ctx, const CacheOptions& o) {
  auto store = open_store(ctx);
  auto entries = or_die(store.entries());
  std::int64_t now = now_ns();
  if (o.json) {
    std::printf("[");
    bool first = true;
    for (const auto& e : entries) {
      std::printf("%s\n  {\"key\": %s, \"command\": %s, \"cwd\": %s, \"exit_code\": %d, \"hits\": %" PRIu64
                  ", \"created_ns\": %" PRId64 ", \"last_used_ns\": %" PRId64 ", \"size\": %" PRIu64
                  ", \"files\": %zu}",
                  first ? "" : ",", json_string(e.key).c_str(), json_string(command_text(e)).c_str(),
                  json_string(e.ingredients.cwd).c_str(), e.exit_code, e.hits, e.created_ns, e.last_used_ns, e.size,
                  e.files.size());
      first = false;
    }
    std::printf("%s]\n", entries.empty() ? "" : "\n");
    return 0;
  }
  if (entries.empty()) {
    std::fprintf(stderr, "vg: the cache is empty (%s)\n", store.dir().c_str());
    return 0;
  }
  std::printf("%-13s %4s  %5s  %6s  %6s  %9s  %-24s  %s\n", "KEY", "EXIT", "HITS", "USED", "AGE", "SIZE", "CWD",
              "COMMAND");
  for (const auto& e : entries) {
    std::printf("%-13s %4d  %5" PRIu64 "  %6s  %6s  %9s  %-24s  %s\n",
                cache::short_id(e.key, !e.traced.empty()).c_str(), e.exit_code,
                e.hits, (human_age(now - e.last_used_ns) + " ago").c_str(), human_age(now - e.created_ns).c_str(),
                human_size(e.size).c_str(), one_line(e.ingredients.cwd, 24).c_str(),
                one_line(command_text(e), 60).c_str());
  }
  return 0;
}

const cache::Entry& find_entry(const std::vector<cache::Entry>& entries, const std::string& prefix) {
  const cache::Entry* found = nullptr;
  int count = 0;
  for (const auto& e : entries) {
    if (cache::id_matches(e.key, !e.traced.empty(), prefix)) {
      found = &e;
      ++count;
    }
  }
  if (prefix.empty() || count == 0) {
    throw Fatal(exit_code::k_usage, "no cache entry has a key starting with '" + prefix + "'; see 'vg cache ls'");
  }
  if (count > 1) {
    throw Fatal(exit_code::k_usage, "'" + prefix + "' matches " + std::to_string(count) +
                                        " cache entries; give more of the key (see 'vg cache ls')");
  }
  return *found;
}

int cache_show(Context& ctx, const CacheOptions& o) {
  auto store = open_store(ctx);
  auto entries = or_die(store.entries());
  const auto& e = find_entry(entries, o.key);
  std::int64_t now = now_ns();
  const auto& g = e.ingredients;
  std::printf("key        %s\n", e.key.c_str());
  // Paths, link targets and the command's words may hold anything a name can
  // (a newline, an escape sequence): printed escaped, never raw.
  std::printf("command    %s\n", printable(command_text(e)).c_str());
  std::printf("cwd        %s\n", printable(g.cwd).c_str());
  std::printf("workspace  %s\n", printable(e.workspace).c_str());
  std::printf("exit code  %d\n", e.exit_code);
  std::printf("created    %s ago\n", human_age(now - e.created_ns).c_str());
  std::printf("last used  %s ago, %" PRIu64 " hit(s)\n", human_age(now - e.last_used_ns).c_str(), e.hits);
  std::printf("size       %s\n", human_size(e.size).c_str());
  std::printf("terminal   %s\n", printable(g.terminal).c_str());
  std::printf("inputs     %s", g.inputs.c_str());
  std::string tree_bytes;
  cache::Tree tree;
  if (!e.traced.empty()) {
    std::printf(" (traced: the %zu paths the run used)\n", e.traced.size());
    for (const auto& in : e.traced) {
      std::printf("  %-11s %s%s\n", cache::use_name(in.use), printable(in.path).c_str(),
                  in.state == "-" ? " (absent)" : "");
    }
  } else if (store.fetch(e.tree_blob, tree_bytes) && cache::Tree::decode(tree_bytes, tree)) {
    std::printf(" (the whole workspace: %zu paths)\n", tree.entries.size());
  } else {
    std::printf("\n");
  }
  if (e.traced.empty()) {
    std::printf("untraced   %s\n", e.untraced.empty() ? "(the reason was not recorded)" : printable(e.untraced).c_str());
  }
  config::Config config = load_config_or_die(ctx);
  std::string refused = cache::not_replayable_reason(e, config.sandbox.cache_strategy);
  std::printf("replayed   %s\n", refused.empty() ? "yes, while its inputs are unchanged" : ("no: " + refused).c_str());
  std::printf("programs\n");
  for (const auto& [path, digest] : g.programs) {
    std::printf("  %s  %s\n", digest.substr(0, 16).c_str(), printable(path).c_str());
  }
  std::printf("environment\n");
  for (const auto& [k, v] : g.env) std::printf("  %s=%s\n", printable(k).c_str(), printable(v).c_str());
  std::uint64_t out_bytes = 0, err_bytes = 0;
  for (const auto& s : e.output.segments) (s.stream == cache::Stream::out ? out_bytes : err_bytes) += s.size;
  std::printf("outputs\n  stdout %" PRIu64 " bytes, stderr %" PRIu64 " bytes, %zu segment(s)\n", out_bytes, err_bytes,
              e.output.segments.size());
  for (const auto& f : e.files) {
    switch (f.kind) {
      case cache::FileRecord::Kind::write:
        std::printf("  write   %s (%" PRIu64 " bytes, mode %04o)\n", printable(f.path).c_str(), f.content.size, f.mode);
        break;
      case cache::FileRecord::Kind::remove: std::printf("  delete  %s\n", printable(f.path).c_str()); break;
      case cache::FileRecord::Kind::mkdir: std::printf("  mkdir   %s\n", printable(f.path).c_str()); break;
      case cache::FileRecord::Kind::symlink:
        std::printf("  symlink %s -> %s\n", printable(f.path).c_str(), printable(f.target).c_str());
        break;
    }
  }
  return 0;
}

int cache_rm(Context& ctx, const CacheOptions& o) {
  if (o.key.empty()) throw Fatal(exit_code::k_usage, "vg cache rm needs a KEY (a prefix from 'vg cache ls')");
  auto store = open_store(ctx);
  // The id is resolved to one key first (a traced entry's short id is no prefix).
  std::string key = o.key;
  if (o.key.find('-') != std::string::npos) key = find_entry(or_die(store.entries()), o.key).key;
  auto removed = store.remove(key);
  if (!removed) throw Fatal(exit_code::k_usage, removed.error().message);
  std::fprintf(stderr, "vg: removed %zu cache entr%s\n", *removed, *removed == 1 ? "y" : "ies");
  return 0;
}

int cache_clear(Context& ctx) {
  auto store = open_store(ctx);
  auto cleared = store.clear();
  if (!cleared) throw Fatal(exit_code::k_internal, cleared.error().message);
  std::fprintf(stderr, "vg: the cache is empty\n");
  return 0;
}

int cache_stats(Context& ctx, const CacheOptions& o) {
  config::Config config = load_config_or_die(ctx);
  cache::Store store(cache::store_options(config));
  auto s = or_die(store.stats());
  auto get = [&s](const char* k) -> std::uint64_t {
    auto it = s.counters.find(k);
    return it == s.counters.end() ? 0 : it->second;
  };
  std::uint64_t uncacheable = 0;
  for (const auto& [k, v] : s.counters) {
    if (k.starts_with("uncacheable.")) uncacheable += v;
  }
  if (o.json) {
    std::printf("{\"dir\": %s, \"entries\": %" PRIu64 ", \"bytes\": %" PRIu64 ", \"limit\": %" PRIu64
                ", \"disk_bytes\": %" PRIu64 ", \"queued\": %" PRIu64,
                json_string(store.dir()).c_str(), s.entries, s.bytes, config.sandbox.cache_size, s.disk_bytes,
                s.queued);
    for (const auto& [k, v] : s.counters) std::printf(", %s: %" PRIu64, json_string(k).c_str(), v);
    std::printf("}\n");
    return 0;
  }
  std::uint64_t hits = get("hits"), misses = get("misses");
  std::printf("Cache directory     %s\n", store.dir().c_str());
  std::printf("Entries             %" PRIu64 "\n", s.entries);
  std::printf("Size                %s (limit %s; %s on disk)\n", human_size(s.bytes).c_str(),
              human_size(config.sandbox.cache_size).c_str(), human_size(s.disk_bytes).c_str());
  std::printf("Hits                %" PRIu64 "\n", hits);
  std::printf("Misses              %" PRIu64 "\n", misses);
  if (hits + misses > 0) std::printf("Hit rate            %.1f %%\n", 100.0 * double(hits) / double(hits + misses));
  std::printf("Stored              %" PRIu64 "\n", get("stored"));
  std::printf("Evicted             %" PRIu64 " (LRU), %" PRIu64 " (expired)\n", get("evicted"), get("expired"));
  std::printf("Uncacheable runs    %" PRIu64 "\n", uncacheable);
  for (const auto& [k, v] : s.counters) {
    if (k.starts_with("uncacheable.")) std::printf("  %-17s %" PRIu64 "\n", k.substr(12).c_str(), v);
  }
  return 0;
}

// Say whether a traced entry of the command of `ingredients` would be
// replayed, asking what the lookup asks (cache::traced_refusal) of the
// entries the lookup reads; false when the command has none.
bool print_traced_verdict(cache::Store& store, const cache::Ingredients& ingredients, config::CacheStrategy strategy,
                          cache::InputStates& states, cache::StatCache& stats) {
  std::string prefix = cache::command_prefix(ingredients);
  const cache::Entry* nearest = nullptr;
  std::string nearest_refusal;
  auto candidates = store.lookup_prefix(prefix);
  for (const auto& e : candidates) {
    if (e.traced.empty() || cache::command_prefix(e.ingredients) != prefix) continue;
    std::string refusal = cache::traced_refusal(e, strategy, {}, states, stats);
    if (refusal.empty()) {
      std::printf("would hit: entry %s, exit %d (the %zu paths it used are unchanged)\n",
                  cache::short_id(e.key, true).c_str(), e.exit_code, e.traced.size());
      return true;
    }
    if (!nearest) {
      nearest = &e;
      nearest_refusal = refusal;
    }
  }
  if (!nearest) return false;
  std::printf("would miss; entry %s of this command used %zu paths, and %s\n", cache::short_id(nearest->key, true).c_str(),
              nearest->traced.size(), printable(nearest_refusal).c_str());
  return true;
}

// Which rule on chance and time applies to `argv` (cache/policy.hpp).
void print_determinism_rule(const std::vector<std::string>& argv, config::CacheStrategy strategy) {
  std::string tool = cache::find_deterministic_tool(argv);
  if (!tool.empty()) {
    std::printf("rule     '%s' is a known-deterministic tool: its draws of randomness (getrandom) do not stop it "
                "being stored; running date-like programs or opening /dev/urandom or /proc/uptime still does\n",
                printable(tool).c_str());
  } else if (strategy != config::CacheStrategy::aggressive) {
    std::printf("rule     not a known-deterministic tool: stored only if no process of the run draws randomness "
                "(getrandom), opens /dev/urandom, /proc/uptime or /proc/loadavg, or runs a date-like program; "
                "and only if its trace is complete\n");
  }
}

int cache_why(Context& ctx, const CacheOptions& o) {
  if (o.argv.empty() == o.shell_script.empty()) {
    throw Fatal(exit_code::k_usage, "vg cache why needs either '-- CMD [ARGS...]' or '--shell SCRIPT'");
  }
  config::Config config = load_config_or_die(ctx);
  std::vector<std::string> argv = o.shell_script.empty() ? o.argv : std::vector<std::string>{"/bin/sh", "-c", o.shell_script};
  auto engine = risk::Engine::create(config);
  if (!engine) throw Fatal(exit_code::k_config, engine.error().message);
  auto assessment = o.shell_script.empty() ? (*engine)->assess_argv(o.argv) : (*engine)->assess_script(o.shell_script);
  // The same environment `vg exec` gives its child.
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    if (!std::string_view(*e).starts_with("VG_ACTIVE=")) env.emplace_back(*e);
  }
  env.emplace_back("VG_ACTIVE=1");
  env = sandbox::sandbox_environment(env, config.sandbox.env);
  char cwd[4096];
  if (!::getcwd(cwd, sizeof cwd)) throw Fatal(exit_code::k_internal, "getcwd failed");
  auto inputs = cache::key_inputs(config, argv, env, cwd, assessment.executables);
  cache::Store store(cache::store_options(config));
  cache::StatCache stats = store.stat_cache(inputs.workspace);
  std::string nd = cache::find_nondeterministic(argv, inputs.programs);
  if (!nd.empty()) {
    std::printf("never cached: '%s' is on the list of non-deterministic commands\n", printable(nd).c_str());
    return 0;
  }
  print_determinism_rule(argv, config.sandbox.cache_strategy);
  auto key = cache::compute_key(inputs, stats);
  if (!key) {
    std::printf("never cached: the inputs cannot be digested: %s\n", printable(key.error().message).c_str());
    return 0;
  }
  store.close_reader();
  auto entries = or_die(store.entries());
  std::printf("key      %s\n", key->hex.c_str());
  cache::InputScope scope{inputs.workspace, inputs.excludes};
  cache::InputStates states(scope, stats);
  if (print_traced_verdict(store, key->ingredients, config.sandbox.cache_strategy, states, stats)) return 0;
  for (const auto& e : entries) {
    if (e.key != key->hex) continue;
    if (std::string no = cache::not_replayable_reason(e, config.sandbox.cache_strategy); !no.empty()) {
      std::printf("stored, but not replayed: %s\n", printable(no).c_str());
    } else {
      std::printf("would hit: entry %s, exit %d\n", e.key.substr(0, 12).c_str(), e.exit_code);
    }
    return 0;
  }
  int i = cache::nearest(entries, key->ingredients);
  if (i < 0) {
    std::printf("would miss: the cache is empty\n");
    return 0;
  }
  const auto& near = entries[std::size_t(i)];
  std::string tree_bytes;
  cache::Tree tree;
  bool have_tree = store.fetch(near.tree_blob, tree_bytes) && cache::Tree::decode(tree_bytes, tree);
  std::printf("would miss; nearest entry %s (%s)\n", cache::short_id(near.key, !near.traced.empty()).c_str(),
              one_line(command_text(near), 60).c_str());
  for (auto& d : cache::compare(near.ingredients, key->ingredients, have_tree ? &tree : nullptr, key->tree)) {
    if (d.name == "inputs" && !near.traced.empty()) {
      // A traced entry is keyed on the paths it used, not on the workspace.
      std::string diff;
      d.same = cache::inputs_unchanged(near.traced, states, &diff);
      d.detail = d.same ? "the " + std::to_string(near.traced.size()) + " paths it used are unchanged"
                        : diff + " is not as it was";
    }
    // The detail names input files and environment variables as they are.
    std::printf("  %-9s %s%s%s\n", d.name.c_str(), d.same ? "same" : "differs", d.detail.empty() ? "" : ": ",
                printable(d.detail).c_str());
  }
  return 0;
}

void register_cache(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<CacheOptions>();
  auto* cache = app.add_subcommand("cache", "Inspect and manage the result cache");
  cache->require_subcommand(1);
  auto* ls = cache->add_subcommand("ls", "List cached runs (key, command, cwd, exit code, hits, last use, age, size)");
  ls->add_flag("--json", o->json, "Print JSON");
  ls->callback([&ctx, o] { ctx.exit_code = cache_ls(ctx, *o); });
  auto* show = cache->add_subcommand("show", "Show one cached run: inputs, environment, outputs");
  show->add_option("key", o->key, "The key or a unique prefix")->required();
  show->callback([&ctx, o] { ctx.exit_code = cache_show(ctx, *o); });
  auto* rm = cache->add_subcommand("rm", "Remove one cached run");
  rm->add_option("key", o->key, "The key or a unique prefix")->required();
  rm->callback([&ctx, o] { ctx.exit_code = cache_rm(ctx, *o); });
  auto* clear = cache->add_subcommand("clear", "Remove every cached run");
  clear->callback([&ctx] { ctx.exit_code = cache_clear(ctx); });
  auto* stats = cache->add_subcommand("stats", "Hits, misses, uncacheable runs by reason, size");
  stats->add_flag("--json", o->json, "Print JSON");
  stats->callback([&ctx, o] { ctx.exit_code = cache_stats(ctx, *o); });
  auto* why = cache->add_subcommand("why", "Say why a command would miss: which ingredient differs from the nearest entry");
  why->add_option("-c,--shell", o->shell_script, "The command as a shell script");
  why->add_option("command", o->argv, "The command and its arguments (after --)");
  why->callback([&ctx, o] { ctx.exit_code = cache_why(ctx, *o); });
}

const CommandRegistration k_registration{"cache", register_cache};

}  // namespace
}  // namespace vg
