#include "vg/proxy_audit.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "config/json.hpp"
#include "router/audit.hpp"
#include "router/clock.hpp"
#include "vg/process_info.hpp"

namespace vg {
namespace {

// Who and where, fixed for the run (the proxy thread must not race getcwd).
struct RunContext {
  NetworkAuditRun run;
  std::string path;
  std::uint64_t max_size = 0;
  int keep = 0;
  std::string user;
  std::uint32_t uid = 0;
  std::string cwd;
  std::int64_t pid = 0;
  std::uint64_t max_records = 0;
  std::atomic<std::uint64_t> seen{0};
  std::atomic<bool> warned{false};
};

std::string line_for(const sandbox::proxy::ConnectionEvent& e, std::string_view verdict, const NetworkAuditRun& run,
                     std::int64_t now_ms, const std::string& user, std::uint32_t uid, const std::string& cwd,
                     std::int64_t pid) {
  JsonWriter w;
  w.begin_object();
  w.key("time").value(router::rfc3339_ms(now_ms));
  w.key("event").value("network");
  w.key("verdict").value(verdict);
  w.key("method").value(e.method);
  w.key("host").value(e.host);
  w.key("port").value(static_cast<int>(e.port));
  w.key("address").value(e.address);
  w.key("status").value(e.status);
  w.key("reason").value(e.reason);
  w.key("connection").value(e.id);
  // The run: the command record with this "time" (and command, cwd, user).
  w.key("run_started").value(router::rfc3339_ms(run.started_ms));
  w.key("run_pid").value(pid);
  w.key("command").value(run.command);
  w.key("user").value(user);
  w.key("uid").value(static_cast<std::uint64_t>(uid));
  w.key("cwd").value(cwd);
  w.key("level").value(config::to_string(run.level));
  w.key("route").value("network");
  w.key("backend").value(run.backend);
  w.end_object();
  return w.str() + "\n";
}

}  // namespace

std::function<void(const sandbox::proxy::ConnectionEvent&)> network_audit_observer(const config::Config& config,
                                                                                  NetworkAuditRun run,
                                                                                  std::uint64_t max_records) {
  if (config.sandbox.network.mode != config::NetworkMode::restricted) return {};
  auto ctx = std::make_shared<RunContext>();
  ctx->run = std::move(run);
  ctx->path = router::audit_path(config);
  ctx->max_size = config.audit.max_size;
  ctx->keep = config.audit.keep;
  ctx->user = user_name();
  ctx->uid = static_cast<std::uint32_t>(::geteuid());
  ctx->cwd = current_dir();
  ctx->pid = static_cast<std::int64_t>(::getpid());
  ctx->max_records = max_records;
  return [ctx](const sandbox::proxy::ConnectionEvent& event) {
    std::uint64_t n = ctx->seen.fetch_add(1);
    if (n > ctx->max_records) return;
    std::string_view verdict = sandbox::proxy::to_string(event.verdict);
    sandbox::proxy::ConnectionEvent limit;
    if (n == ctx->max_records) {
      verdict = "unlogged";
      limit.id = event.id;
      limit.reason = "this run made more than " + std::to_string(ctx->max_records) +
                     " connections; the rest are not logged one by one";
    }
    const sandbox::proxy::ConnectionEvent& e = n == ctx->max_records ? limit : event;
    std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    // router::append_line holds an flock on the log's lock file: lines of
    // concurrent vg processes (and of this one's command record) never mix.
    auto written = router::append_line(
        ctx->path, line_for(e, verdict, ctx->run, now, ctx->user, ctx->uid, ctx->cwd, ctx->pid), ctx->max_size,
        ctx->keep);
    if (!written && !ctx->warned.exchange(true)) {
      std::fprintf(stderr, "vg: warning: network connections not written to the audit log: %s\n",
                   written.error().message.c_str());
    }
  };
}

}  // namespace vg
