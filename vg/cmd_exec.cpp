// `vg exec`: understand, score, route and run one command, then record the
// decision in the audit log.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "config/exit_codes.hpp"
#include "config/printable.hpp"
#include "sandbox/environment.hpp"
#include "config/load.hpp"
#include "config/result.hpp"
#include "risk/engine.hpp"
#include "router/audit.hpp"
#include "router/clock.hpp"
#include "router/decide.hpp"
#include "router/prompt.hpp"
#include "router/trust.hpp"
#include "sandbox/host.hpp"
#include "sandbox/launcher.hpp"
#include "sandbox/namespace/plan.hpp"
#include "vg/cached_run.hpp"
#include "vg/command.hpp"
#include "vg/context.hpp"
#include "vg/process_info.hpp"
#include "vg/proxy_audit.hpp"

extern char** environ;

namespace vg {
namespace {

struct ExecOptions {
  std::string shell_script;
  bool has_shell = false;
  std::vector<std::string> argv;
  bool sandbox = false;
  bool host = false;
  std::string runtime;
  std::string mode;
  bool dry_run_writes = false;
  bool no_cache = false;  // neither replay nor store (cache/exec_cache.hpp)
  bool refresh = false;   // run again and replace the stored result
  std::string timeout;    // sandbox.resources.timeout for this command
  bool settled_sandbox = false;  // handed over by `vg` with the route settled (implies --sandbox)
};

// The child's environment: vg's own, plus a marker so shells started inside
// do not install the interactive hook again.
std::vector<std::string> child_environment() {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    if (std::string_view(*e).rfind("VG_ACTIVE=", 0) == 0) continue;
    env.emplace_back(*e);
  }
  env.emplace_back("VG_ACTIVE=1");
  return env;
}

// Quote `argv` so that a shell would read it back as the same words.
std::string shell_quote(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !a.empty() && std::all_of(a.begin(), a.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_-./:=@%+,").find(c) != std::string_view::npos;
    });
    if (plain) {
      out += a;
      continue;
    }
    out += '\'';
    for (char c : a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

// One run of `vg exec`: what was asked, what was decided, how it ended.
class ExecRun {
 public:
  ExecRun(Context& ctx, const ExecOptions& opts) : m_ctx(ctx), m_opts(opts) {}

  int run() {
    m_started = std::chrono::steady_clock::now();
    m_started_wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    check_usage();
    if (!m_opts.runtime.empty()) m_ctx.config_flags.emplace_back("sandbox.runtime", m_opts.runtime);
    if (!m_opts.mode.empty()) m_ctx.config_flags.emplace_back("sandbox.mode", m_opts.mode);
    if (!m_opts.timeout.empty()) m_ctx.config_flags.emplace_back("sandbox.resources.timeout", m_opts.timeout);
    m_config = load_config_or_die(m_ctx);
    // Nearly every command takes the cached sandbox route here: vg-full
    // takes over now rather than assess it a second time.
    if (use_cache() && !m_opts.host && (m_opts.sandbox || m_config.sandbox.mode == config::Mode::always)) {
      hand_off_early(m_ctx);
    }
    // Only notes that change what protects this command are worth a line on
    // every run (a repository setting or variable that was ignored); the
    // rest ("accepted, not used by vg") are in `vg config show`.
    for (const auto& note : m_config.notes) {
      if (note.rfind("ignoring ", 0) == 0) std::fprintf(stderr, "vg: note: %s\n", note.c_str());
    }

    m_argv = m_opts.has_shell ? std::vector<std::string>{"/bin/sh", "-c", m_opts.shell_script} : m_opts.argv;
    m_command = m_opts.has_shell ? m_opts.shell_script : shell_quote(m_opts.argv);
    assess();
    decide();
    if (m_decision.route == router::Route::ask) resolve_prompt();
    // Known now, and dear (a passwd lookup, the time zone file: ~0.1 ms):
    // read before the run rather than after it, where they add to the wait.
    m_time_text = router::rfc3339_ms(m_started_wall_ms);
    m_user = user_name();
    if (audit_unavailable()) return exit_code::k_refused;
    int code = carry_out();
    // The command has ended (sandbox/ending.cpp says why): a closed stderr
    // must not keep its record out of the log.
    std::signal(SIGPIPE, SIG_IGN);
    if (!record(code) && m_config.audit.required && code == 0) code = exit_code::k_internal;
    return code;
  }

 private:
  void check_usage() {
    if (m_opts.settled_sandbox) {
      m_opts.sandbox = true;
      m_opts.host = false;  // `vg` ignored it already, and said so
    }
    if (m_opts.has_shell == !m_opts.argv.empty()) {
      throw Fatal(exit_code::k_usage, "vg exec needs either '-- CMD [ARGS...]' or '--shell SCRIPT' (not both)");
    }
    if (m_opts.sandbox && m_opts.host) throw Fatal(exit_code::k_usage, "--sandbox and --host contradict each other");
    if (m_opts.dry_run_writes && m_opts.host) {
      throw Fatal(exit_code::k_usage, "--dry-run-writes needs the sandbox (a host run writes for real); drop --host");
    }
  }

  void assess() {
    auto engine = risk::Engine::create(m_config);
    if (!engine) throw Fatal(exit_code::k_config, engine.error().message);
    m_ctx.stats.mark("risk setup");
    m_assessment = m_opts.has_shell ? (*engine)->assess_script(m_opts.shell_script) : (*engine)->assess_argv(m_opts.argv);
    m_ctx.stats.mark("assess");
    // The engine stays until the process ends, and vg/main.cpp ends it
    // without static destructors: tearing down its rules and compiled
    // patterns cost a tenth of a host run and freed nothing useful.
    static std::unique_ptr<risk::Engine> s_engine;
    s_engine = std::move(*engine);
  }

  router::Override override_flag() const {
    // Showing the change set without applying it only works in a sandbox.
    if (m_opts.sandbox || m_opts.dry_run_writes) return router::Override::sandbox;
    if (m_opts.host) return router::Override::host;
    return router::Override::none;
  }

  void decide() {
    auto override = override_flag();
    m_decision = router::decide(m_config, m_assessment, override, false);
    // The trust file is read only when a match could change the route, so
    // the common paths never touch it.
    router::Decision if_trusted = router::decide(m_config, m_assessment, override, true);
    if (if_trusted.route != m_decision.route || if_trusted.notes.size() != m_decision.notes.size()) {
      if (const auto* entry = find_trust()) {
        m_decision = if_trusted;
        if (m_decision.trusted) m_decision.reason += " (" + entry->id + ": " + entry->pattern + ")";
      }
    }
    for (const auto& note : m_decision.notes) std::fprintf(stderr, "vg: note: %s\n", note.c_str());
    m_ctx.stats.mark("route");
  }

  const router::TrustEntry* find_trust() {
    std::vector<std::string> words = m_opts.argv;
    if (m_opts.has_shell) {
      auto literal = router::literal_words(m_opts.shell_script);
      if (!literal) return nullptr;
      words = *literal;
    }
    std::vector<std::string> warnings;
    m_trust = router::TrustStore::load(router::TrustStore::default_path(), warnings);
    for (const auto& w : warnings) std::fprintf(stderr, "vg: warning: %s\n", w.c_str());
    const char* path = std::getenv("PATH");
    return m_trust.match(words, path ? path : "", current_dir(), std::time(nullptr));
  }

  void resolve_prompt() {
    auto answer = router::ask_on_terminal(m_command, m_assessment, m_decision.reason);
    if (answer) {
      m_asked = true;
      switch (*answer) {
        case router::Answer::host: set_route(router::Route::host, "approved at the prompt (host)"); return;
        case router::Answer::sandbox: set_route(router::Route::sandbox, "approved at the prompt (sandbox)"); return;
        case router::Answer::refuse: break;
      }
      set_route(router::Route::refuse, "declined at the prompt");
      m_decision.hint = "nothing was run";
      return;
    }
    auto fallback = m_config.sandbox.ask_fallback;
    std::string why = std::string("no terminal to ask on; sandbox.ask_fallback is ") + config::to_string(fallback);
    switch (fallback) {
      case config::Action::host: set_route(router::Route::host, why); return;
      case config::Action::sandbox: set_route(router::Route::sandbox, why); return;
      case config::Action::ask:
      case config::Action::refuse: break;
    }
    set_route(router::Route::refuse, why);
    m_decision.hint = "run it from a terminal to answer the prompt, or set sandbox.ask_fallback: sandbox";
  }

  void set_route(router::Route route, std::string reason) {
    m_decision.route = route;
    m_decision.reason = std::move(reason);
    m_decision.backend = route == router::Route::sandbox ? m_config.sandbox.runtime : "";
  }

  int carry_out() {
    switch (m_decision.route) {
      case router::Route::refuse:
        std::fputs(router::refusal_text(m_command, m_assessment, m_decision.reason, m_decision.hint).c_str(), stderr);
        return exit_code::k_refused;
      case router::Route::host: return run_on_host();
      case router::Route::sandbox: return run_in_sandbox();
      case router::Route::ask: break;  // resolved before
    }
    throw Fatal(exit_code::k_internal, "unresolved prompt");
  }

  void flush_stats() {
    // Stats go out before the child runs, so they never interleave with its output.
    m_ctx.stats.print();
    m_ctx.stats.enabled = false;
  }

  int run_on_host() {
    auto env = child_environment();
    m_ctx.stats.mark("prepare");
    flush_stats();
    return sandbox::run_on_host(m_argv, env);
  }

  int run_in_sandbox() {
    auto launcher = sandbox::make_launcher(m_config);
    if (!launcher) return sandbox_unavailable(launcher.error().message);
    sandbox::Spec& spec = *new sandbox::Spec;  // kept to the end, as ExecRun is
    spec.argv = m_argv;
    // Not the caller's secrets (sandbox/environment.hpp); the cache keys
    // on what was passed.
    std::vector<std::string> withheld;
    spec.env = sandbox::sandbox_environment(child_environment(), m_config.sandbox.env, &withheld);
    if (m_ctx.stats.enabled && !withheld.empty()) {
      std::string names;
      for (const auto& n : withheld) names += (names.empty() ? "" : " ") + n;
      std::fprintf(stderr, "vg: withheld from the sandbox's environment (secrets; sandbox.env.pass lets them through): %s\n",
                   names.c_str());
    }
    spec.cwd = current_dir();
    spec.workspace = m_config.project_root.empty() ? spec.cwd : m_config.project_root;
    spec.profile = m_config.sandbox;
    spec.dry_run_writes = m_opts.dry_run_writes;
    // --debug=stats: the sandbox's phases too, but never into a cached run,
    // whose stderr the cache records and replays.
    spec.timing = m_ctx.stats.enabled && !use_cache();
    spec.network_observer =
        network_audit_observer(m_config, {m_command, m_started_wall_ms, m_assessment.level, m_decision.backend});
    m_ctx.stats.mark("sandbox setup");
    // vg has touched no workspace since it began: the sandbox's wait for the
    // conflict clock's tick counts from there, overlapping vg's own start-up.
    sandbox::ns::note_run_begun(m_ctx.begun);
    if (use_cache()) {
      auto cached = run_cached(m_ctx, {m_config, spec, **launcher, m_assessment.executables, m_opts.refresh,
                                       [this] { flush_stats(); }});
      if (!cached.no_cache) {
        m_cache_hit = cached.hit;
        m_cache_not_stored = cached.not_stored;
        if (!cached.unavailable.empty()) return sandbox_unavailable(cached.unavailable);
        return cached.exit_code;
      }
    }
    flush_stats();
    auto outcome = (*launcher)->run(spec);
    if (!outcome) return sandbox_unavailable(outcome.error().message);
    return outcome->exit_code;
  }

  // The result cache serves the sandbox route only; the host route never
  // opens it (and the light `vg` does not even contain it: vg/cached_run.hpp).
  bool use_cache() const { return m_config.sandbox.enable_cache && !m_opts.no_cache && !m_opts.dry_run_writes; }

  // Fail closed: the command runs on the host only when the config says so.
  int sandbox_unavailable(const std::string& why) {
    // require_limits asks for a contained run: the host is no fallback then.
    if (m_config.sandbox.fallback == config::Fallback::host && !m_config.sandbox.resources.require_limits) {
      std::fprintf(stderr, "vg: warning: the sandbox could not start: %s\n", printable(why).c_str());
      std::fprintf(stderr, "vg: warning: running on the host because sandbox.fallback is host\n");
      set_route(router::Route::host, "sandbox unavailable; sandbox.fallback: host");
      return run_on_host();
    }
    std::fprintf(stderr, "vg: error: the sandbox could not start: %s\n", printable(why).c_str());
    std::fprintf(stderr,
                 "vg: the command was not run; vg never runs it on the host instead unless sandbox.fallback is host\n");
    m_decision.reason += "; sandbox unavailable: " + why;
    return exit_code::k_sandbox_unavailable;
  }

  // audit.required: a command vg cannot record is not run (auditd's
  // disk_error_action, for this one command). Checked before it runs.
  bool audit_unavailable() const {
    if (!m_config.audit.required || m_decision.route == router::Route::refuse) return false;
    auto ready = router::check_appendable(router::audit_path(m_config));
    if (ready) return false;
    std::fprintf(stderr, "vg: error: the audit log cannot be written: %s\n", printable(ready.error().message).c_str());
    std::fprintf(stderr, "vg: the command was not run: audit.required is true (make the log's directory writable, "
                         "or point audit.path elsewhere)\n");
    return true;
  }

  // Append the run's record; false (after saying so) when it could not be.
  bool record(int code) {
    router::AuditRecord r;
    r.time = m_time_text;
    r.user = m_user;
    r.uid = ::geteuid();
    r.cwd = current_dir();
    r.command = m_command;
    r.level = m_assessment.level;
    for (const auto& f : m_assessment.findings) r.findings.emplace_back(f.rule, f.level);
    r.understood = m_assessment.understood;
    r.route = router::to_string(m_decision.route);
    r.backend = m_decision.backend;
    r.reason = m_decision.reason;
    r.trusted = m_decision.trusted;
    r.asked = m_asked;
    r.cache_hit = m_cache_hit;
    r.cache_not_stored = m_cache_not_stored;
    r.exit_code = code;
    r.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m_started).count();
    auto written = router::append_line(router::audit_path(m_config), router::to_json_line(r),
                                       m_config.audit.max_size, m_config.audit.keep);
    if (written) return true;
    if (m_config.audit.required) {
      std::fprintf(stderr, "vg: error: the command ran, but its audit record was not written: %s\n",
                   written.error().message.c_str());
    } else {
      std::fprintf(stderr, "vg: warning: audit log not written: %s\n", written.error().message.c_str());
    }
    return false;
  }

  Context& m_ctx;
  ExecOptions m_opts;  // a copy: check_usage settles --settled-sandbox into it
  config::Config m_config;
  risk::Assessment m_assessment;
  router::Decision m_decision;
  router::TrustStore m_trust;
  std::vector<std::string> m_argv;
  std::string m_command;
  std::string m_time_text;  // the audit record's time and user
  std::string m_user;
  bool m_asked = false;
  bool m_cache_hit = false;
  std::string m_cache_not_stored;  // the cache's reason for not storing the run
  std::chrono::steady_clock::time_point m_started;
  std::int64_t m_started_wall_ms = 0;
};

void register_exec(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<ExecOptions>();
  auto* exec = app.add_subcommand("exec", "Run a command through vg: understand, score, route, run");
  // (CLI11 2.1 has no usage(); the two forms go in the footer.)
  exec->footer("Usage: vg exec [OPTIONS] -- CMD [ARGS...]\n       vg exec [OPTIONS] --shell 'SCRIPT'");
  exec->add_option("-c,--shell", opts->shell_script, "Run SCRIPT with /bin/sh -c")
      ->each([opts](const std::string&) { opts->has_shell = true; });
  exec->add_flag("--sandbox", opts->sandbox, "Run in the sandbox whatever the mode says");
  // Internal: `vg` handing a run whose route it settled as the sandbox to
  // `vg-full` (vg/light/cached_run.cpp); it outranks a --host that was ignored.
  exec->add_flag("--settled-sandbox", opts->settled_sandbox)->group("");
  exec->add_flag("--host", opts->host,
                 "Run on the host where policy allows (mode always: needs sandbox.allow_host_override)");
  exec->add_option("--runtime", opts->runtime, "Sandbox runtime for this command (sandbox.runtime)");
  exec->add_option("--mode", opts->mode, "Routing mode for this command: always, auto, manual, disabled");
  exec->add_flag("--dry-run-writes", opts->dry_run_writes, "Run in the sandbox, show the changes, apply none");
  exec->add_flag("--no-cache", opts->no_cache, "Neither replay nor store a cached result");
  exec->add_flag("--refresh", opts->refresh, "Run again and replace any cached result");
  exec->add_option("--timeout", opts->timeout,
                   "Wall-time limit of a sandboxed run (seconds, or 90s/15m/1h); past it the sandbox is killed, exit 124");
  exec->add_option("command", opts->argv, "The command and its arguments (after --)");
  exec->callback([&ctx, opts] {
    ctx.stats.enabled = std::find(ctx.debug.begin(), ctx.debug.end(), "stats") != ctx.debug.end();
    // Never destroyed (like the engine): freeing the config and the run's
    // state afterwards only wrote to pages that the sandbox's clone had made
    // copy-on-write; vg/main.cpp ends the process right after.
    ctx.exit_code = (new ExecRun(ctx, *opts))->run();
  });
}

const CommandRegistration k_registration{"exec", register_exec};

}  // namespace
}  // namespace vg
