// `vg hook claude-code|codex|gemini|cursor`: an AI coding agent's pre-tool
// hook. Reads the harness's payload on stdin, judges the shell command with
// the config that applies in the payload's cwd, and answers in the harness's
// shape on stdout (agents/answer.hpp). Whatever goes wrong, the answer is a
// denial the agent can read: a hook that crashed or printed something else
// would let most harnesses run the command unchecked.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "agents/answer.hpp"
#include "agents/rewrite.hpp"
#include "agents/tool_call.hpp"
#include "config/exit_codes.hpp"
#include "config/load.hpp"
#include "config/result.hpp"
#include "risk/engine.hpp"
#include "router/audit.hpp"
#include "router/clock.hpp"
#include "router/decide.hpp"
#include "router/prompt.hpp"
#include "router/trust.hpp"
#include "vg/command.hpp"
#include "vg/context.hpp"
#include "vg/process_info.hpp"

namespace vg {
namespace {

// At most k_max_payload + 1 bytes of stdin (one more than allowed tells "too large").
std::string read_payload() {
  std::string out;
  char buf[65536];
  while (out.size() <= agents::k_max_payload) {
    ssize_t n = ::read(0, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

std::string self_path() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string("vg");
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One hook call: the payload in, one answer out, one audit record.
class AgentHook {
 public:
  AgentHook(Context& ctx, agents::Harness h) : m_ctx(ctx), m_harness(h) {}

  std::string run() {
    m_started = std::chrono::steady_clock::now();
    m_record.time = router::rfc3339_ms(now_ms());
    auto call = agents::parse_tool_call(m_harness, read_payload());
    if (!call) return finish(nullptr, agents::unreadable(call.error().message));
    m_call = std::move(call).value();
    m_record.session = m_call.session_id;
    m_record.tool_use = m_call.tool_use_id;
    m_record.command = m_call.command;
    m_record.cwd = m_call.cwd;
    // The command runs there: config, trust and relative paths are read from there.
    if (::chdir(m_call.cwd.c_str()) != 0) {
      return finish(&m_call, agents::unreadable("its working directory " + m_call.cwd +
                                                " cannot be entered (" + std::strerror(errno) + ")"));
    }
    config::LoadOptions options;
    options.cwd = m_call.cwd;
    options.flags = m_ctx.config_flags;
    auto loaded = config::load(options);
    if (!loaded) return finish(&m_call, agents::unreadable("vg's configuration is invalid: " + loaded.error().message));
    m_config = std::move(loaded).value();
    m_ctx.stats.mark("config");
    return finish(&m_call, agents::answer_for(m_harness, rule()));
  }

 private:
  agents::Ruling rule() {
    agents::Ruling r;
    std::string vg = self_path();
    r.sandboxed = agents::sandbox_command(vg, m_call.command);
    r.ask_fallback = m_config.sandbox.ask_fallback;
    // The agent runs what vg told it to (or a call vg wrapped before): `vg
    // exec --sandbox` judges it again and runs it only in the sandbox.
    if (agents::is_sandbox_command(vg, m_call.command)) {
      r.route = router::Route::host;
      r.why = "this command is vg exec --sandbox, which judges the command again and runs it only in the sandbox";
      m_record.reason = r.why;
      return r;
    }
    auto engine = risk::Engine::create(m_config);
    if (!engine) throw Fatal(exit_code::k_config, engine.error().message);
    risk::Assessment a = (*engine)->assess_script(m_call.command);
    m_ctx.stats.mark("assess");
    router::Decision d = router::decide(m_config, a, router::Override::none, false);
    router::Decision if_trusted = router::decide(m_config, a, router::Override::none, true);
    if (if_trusted.route != d.route && trusted()) d = if_trusted;
    r.route = d.route;
    r.why = d.reason;
    r.hint = d.hint;
    r.findings = router::findings_text(a);
    while (!r.findings.empty() && r.findings.back() == '\n') r.findings.pop_back();
    m_record.level = a.level;
    for (const auto& f : a.findings) m_record.findings.emplace_back(f.rule, f.level);
    m_record.understood = a.understood;
    m_record.reason = d.reason;
    m_record.trusted = d.trusted;
    if (d.route == router::Route::sandbox) m_record.backend = d.backend;
    // Leaked on purpose, as vg exec does: the process ends right after.
    static std::unique_ptr<risk::Engine> s_engine;
    s_engine = std::move(*engine);
    return r;
  }

  bool trusted() {
    auto words = router::literal_words(m_call.command);
    if (!words) return false;
    std::vector<std::string> warnings;
    auto store = router::TrustStore::load(router::TrustStore::default_path(), warnings);
    for (const auto& w : warnings) std::fprintf(stderr, "vg: warning: %s\n", w.c_str());
    const char* path = std::getenv("PATH");
    return store.match(*words, path ? path : "", m_call.cwd, std::time(nullptr)) != nullptr;
  }

  // Record the decision, and return the answer's text.
  std::string finish(const agents::ToolCall* call, agents::Answer answer) {
    m_record.uid = ::geteuid();
    m_record.user = user_name();
    m_record.agent = agents::to_string(m_harness);
    m_record.route = answer.route;
    if (m_record.reason.empty()) m_record.reason = answer.reason;
    m_record.exit_code = answer.decision == agents::Decision::deny ? exit_code::k_refused : 0;
    m_record.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m_started).count();
    auto written = router::append_line(router::audit_path(m_config), router::to_json_line(m_record),
                                       m_config.audit.max_size, m_config.audit.keep);
    if (!written) {
      std::fprintf(stderr, "vg: warning: audit log not written: %s\n", written.error().message.c_str());
      if (m_config.audit.required && answer.decision != agents::Decision::deny) {
        answer = agents::unreadable("its audit record could not be written (audit.required is set): " +
                                    written.error().message);
      }
    }
    m_ctx.stats.mark("answer");
    return agents::answer_text(m_harness, call, answer);
  }

  Context& m_ctx;
  agents::Harness m_harness;
  agents::ToolCall m_call;
  config::Config m_config;  // the defaults until the payload's own is loaded
  router::AuditRecord m_record;
  std::chrono::steady_clock::time_point m_started;
};

void answer(Context& ctx, agents::Harness h) {
  std::string text;
  try {
    text = AgentHook(ctx, h).run();
  } catch (const std::exception& e) {
    text = agents::answer_text(h, nullptr, agents::unreadable(std::string("vg failed: ") + e.what()));
  }
  // stdout carries the answer and nothing else.
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  ctx.exit_code = 0;
}

void register_agent_hooks(CLI::App& app, Context& ctx) {
  auto* hook = shared_subcommand(app, "hook", "Hooks: the interactive shell's (plan, see 'vg init') and AI coding agents' (see 'vg connect')");
  hook->require_subcommand(1);
  for (agents::Harness h : agents::all_harnesses()) {
    std::string help = std::string("The pre-tool hook of ") + agents::to_string(h) +
                       ": a tool call's JSON on stdin, the answer on stdout ('vg connect " + agents::to_string(h) +
                       "' installs it)";
    auto* sub = hook->add_subcommand(agents::to_string(h), help);
    sub->callback([&ctx, h] {
      ctx.stats.enabled = std::find(ctx.debug.begin(), ctx.debug.end(), "stats") != ctx.debug.end();
      answer(ctx, h);
    });
  }
}

const CommandRegistration k_registration{"hook", register_agent_hooks};

}  // namespace
}  // namespace vg
