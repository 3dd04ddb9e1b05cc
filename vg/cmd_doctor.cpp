// `vg doctor [--json]`: whether what vg needs at run time works here, check
// by check (vg/doctor.hpp), each with what to do when it does not. Exits 0
// when the configured sandbox can run, 69 when a check it needs fails.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <climits>
#include <cstdio>
#include <memory>
#include <string>

#include "config/exit_codes.hpp"
#include "config/json.hpp"
#include "vg/command.hpp"
#include "vg/context.hpp"
#include "vg/doctor.hpp"
#include "vg/version.hpp"

namespace vg {
namespace {

const char* status_name(doctor::Status s) {
  switch (s) {
    case doctor::Status::ok: return "ok";
    case doctor::Status::warn: return "warn";
    case doctor::Status::fail: return "fail";
    case doctor::Status::skip: return "skip";
  }
  return "?";
}

struct Row {
  doctor::Check check;
  doctor::Finding finding;
  bool required = false;
};

int doctor_main(Context& ctx, bool json) {
  doctor::Env env;
  env.config = load_config_or_die(ctx);
  env.uid = ::geteuid();
  char cwd[PATH_MAX];
  env.cwd = ::getcwd(cwd, sizeof cwd) ? cwd : ".";

  std::vector<Row> rows;
  int blocking = 0;
  for (const auto& check : doctor::registered_checks()) {
    Row row{check, check.run(env), check.required && check.required(env)};
    if (row.required && row.finding.status == doctor::Status::fail) ++blocking;
    rows.push_back(std::move(row));
  }
  const std::string& runtime = env.config.sandbox.runtime;
  bool ready = blocking == 0;

  if (json) {
    std::string out = "{\"version\":" + json_escape(version_line()) + ",\"runtime\":" + json_escape(runtime) +
                      ",\"sandbox_ready\":" + (ready ? "true" : "false") + ",\"checks\":[";
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& r = rows[i];
      out += std::string(i ? "," : "") + "{\"section\":" + json_escape(r.check.section) +
             ",\"name\":" + json_escape(r.check.name) + ",\"status\":" + json_escape(status_name(r.finding.status)) +
             ",\"required\":" + (r.required ? "true" : "false") + ",\"detail\":" + json_escape(r.finding.detail) +
             ",\"fix\":" + json_escape(r.finding.fix) + "}";
    }
    out += "]}\n";
    std::fputs(out.c_str(), stdout);
  } else {
    std::printf("%s\n", version_line().c_str());
    std::string section;
    for (const auto& r : rows) {
      if (section != r.check.section) {
        section = r.check.section;
        std::printf("\n%s\n", section.c_str());
      }
      const char* mark = r.finding.status == doctor::Status::fail ? (r.required ? "FAIL" : "fail")
                                                                  : status_name(r.finding.status);
      std::printf("  %-5s %-26s %s\n", mark, r.check.name, r.finding.detail.c_str());
      if (!r.finding.fix.empty() && r.finding.status != doctor::Status::ok && r.finding.status != doctor::Status::skip) {
        std::printf("  %-5s %-26s fix: %s\n", "", "", r.finding.fix.c_str());
      }
    }
    if (ready) {
      std::printf("\nvg doctor: the %s sandbox can run here\n", runtime.c_str());
    } else {
      std::printf("\nvg doctor: the %s sandbox cannot run here: %d check%s it needs fail%s (FAIL above)\n",
                  runtime.c_str(), blocking, blocking == 1 ? "" : "s", blocking == 1 ? "s" : "");
    }
  }
  return ready ? 0 : exit_code::k_sandbox_unavailable;
}

void register_doctor(CLI::App& app, Context& ctx) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("doctor", "Check what vg needs at run time, and say what to do about what fails");
  cmd->add_flag("--json", *json, "Print one JSON object");
  cmd->footer("\nExit status: 0 when the configured sandbox (sandbox.runtime) can run here, 69 when it cannot.");
  cmd->callback([&ctx, json] { ctx.exit_code = doctor_main(ctx, *json); });
}

const CommandRegistration k_registration{"doctor", register_doctor};

}  // namespace
}  // namespace vg
