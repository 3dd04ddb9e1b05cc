#include "agents/status.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

#include "agents/json_text.hpp"
#include "router/json_read.hpp"

extern char** environ;

namespace vg::agents {
namespace {

using router::Json;

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  out = s.str();
  return true;
}

// Check one round trip: run the hook on `command`, name the decision.
std::string round_trip(const Connection& c, const std::string& cwd, const std::string& command, double& ms,
                       std::string& error) {
  std::string out;
  auto start = std::chrono::steady_clock::now();
  bool ran = run_hook_command(c.command, cwd, sample_payload(c.harness, command, cwd), 10000, out, error);
  ms = std::max(ms, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  if (!ran) return "";
  std::string decision = answer_decision(c.harness, out);
  if (decision.empty()) error = "not a well-formed " + std::string(to_string(c.harness)) + " answer: " + out;
  return decision;
}

}  // namespace

std::string sample_payload(Harness h, const std::string& command, const std::string& cwd) {
  Json p = json_object();
  member(p, "hook_event_name", json_string(event_name(h)));
  if (h == Harness::cursor) {
    member(p, "conversation_id", json_string("vg-connect-status"));
    member(p, "generation_id", json_string("vg-round-trip"));
    member(p, "command", json_string(command));
    member(p, "cwd", json_string(cwd));
    Json roots;
    roots.type = Json::Type::array;
    roots.items.push_back(json_string(cwd));
    member(p, "workspace_roots", roots);
    return to_text(p);
  }
  member(p, "session_id", json_string("vg-connect-status"));
  member(p, "cwd", json_string(cwd));
  member(p, "tool_name", json_string(shell_tool(h)));
  Json input = json_object();
  member(input, "command", json_string(command));
  member(p, "tool_input", input);
  if (h != Harness::gemini) member(p, "tool_use_id", json_string("vg-round-trip"));
  return to_text(p);
}

std::string answer_decision(Harness h, const std::string& answer) {
  auto parsed = router::parse_json(answer);
  if (!parsed || !parsed->is_object()) return "";
  const Json& j = *parsed;
  switch (h) {
    case Harness::claude_code:
    case Harness::codex: {
      const Json* specific = j.get("hookSpecificOutput");
      if (!specific) return j.members.empty() ? "none" : "";
      if (!specific->is_object() || specific->get_string("hookEventName") != "PreToolUse") return "";
      std::string d = specific->get_string("permissionDecision");
      if (d == "allow" && specific->get("updatedInput")) return "rewrite";
      if (d == "allow" || d == "deny" || d == "ask") return d;
      return "";
    }
    case Harness::gemini: {
      std::string d = j.get_string("decision");
      const Json* specific = j.get("hookSpecificOutput");
      if (d == "allow" && specific && specific->get("tool_input")) return "rewrite";
      if (d == "allow" || d == "deny") return d;
      return "";
    }
    case Harness::cursor: {
      std::string d = j.get_string("permission");
      if (d == "allow" || d == "deny" || d == "ask") return d;
      return "";
    }
  }
  return "";
}

bool run_hook_command(const std::string& command, const std::string& cwd, const std::string& input,
                      int timeout_ms, std::string& out, std::string& error) {
  int in[2], outp[2];
  if (::pipe2(in, O_CLOEXEC) != 0) {
    error = std::string("pipe: ") + std::strerror(errno);
    return false;
  }
  if (::pipe2(outp, O_CLOEXEC) != 0) {
    error = std::string("pipe: ") + std::strerror(errno);
    ::close(in[0]);
    ::close(in[1]);
    return false;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  pid_t pid = 0;
  int err = posix_spawn(&pid, "/bin/sh", &fa, &attr, const_cast<char**>(argv), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(in[0]);
  ::close(outp[1]);
  if (err != 0) {
    ::close(in[1]);
    ::close(outp[0]);
    error = std::string("posix_spawn(/bin/sh): ") + std::strerror(err);
    return false;
  }
  // The payload is small (a pipe buffer holds it); a hook that does not
  // read it gets EPIPE, not vg.
  signal(SIGPIPE, SIG_IGN);
  if (::write(in[1], input.data(), input.size()) < 0) {
    // The hook's own problem; its answer (or exit) tells.
  }
  ::close(in[1]);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  bool timed_out = false;
  char buf[4096];
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{outp[0], POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    ssize_t n = ::read(outp[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (out.size() < (1u << 20)) out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(outp[0]);
  if (timed_out) ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    error = "no answer within " + std::to_string(timeout_ms / 1000) + " s";
    return false;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    error = WIFEXITED(status) ? "exited " + std::to_string(WEXITSTATUS(status))
                              : "killed by signal " + std::to_string(WTERMSIG(status));
    return false;
  }
  return true;
}

std::vector<Connection> connection_status(const Places& places, bool round_trip_wanted) {
  std::vector<Connection> out;
  for (Scope scope : {Scope::user, Scope::project}) {
    for (Harness h : all_harnesses()) {
      std::string path = settings_path(h, scope, places);
      // The project's file is the user's when the project is the home.
      if (scope == Scope::project && path == settings_path(h, Scope::user, places)) continue;
      std::string text;
      if (!read_file(path, text)) continue;
      for (const auto& command : vg_hooks_in(h, text)) {
        Connection c{h, scope, path, command, false, "", 0};
        if (round_trip_wanted) {
          std::string error;
          std::string benign = round_trip(c, places.project, "true", c.ms, error);
          std::string critical = benign.empty() ? "" : round_trip(c, places.project, "rm -rf /", c.ms, error);
          if (!error.empty()) {
            c.detail = error;
          } else if (critical != "deny") {
            c.detail = "'rm -rf /' was answered " + critical + ", not deny";
          } else {
            c.answered = true;
            c.detail = "'true': " + benign + ", 'rm -rf /': deny";
          }
        }
        out.push_back(std::move(c));
      }
    }
  }
  return out;
}

}  // namespace vg::agents
