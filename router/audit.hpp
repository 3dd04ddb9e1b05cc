#pragma once
// The audit log: one JSON line per decision, appended by concurrent vg
// processes without interleaving, rotated by size, read back tolerantly.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "config/result.hpp"

namespace vg::router {

// One decision and how it ended.
struct AuditRecord {
  std::string time;           // RFC 3339 UTC with milliseconds
  std::string user;
  std::uint32_t uid = 0;
  std::string cwd;
  std::string command;        // as typed (a --shell script, or argv quoted for a shell)
  config::Level level = config::Level::low;
  std::vector<std::pair<std::string, config::Level>> findings;  // rule id, level
  bool understood = true;
  std::string route;          // host | sandbox | refuse (ask is resolved before logging)
  std::string backend;        // sandbox runtime, "" for host and refuse
  std::string reason;
  bool trusted = false;
  bool asked = false;         // the user answered a prompt
  bool cache_hit = false;
  std::string cache_not_stored;  // why the result cache did not store a sandboxed run ("untraced: ...")
  int exit_code = 0;
  double duration_ms = 0;
  // A network record (written by vg/proxy_audit.cpp, read here): one
  // connection through a run's proxy, `route` "network".
  std::string event;          // "" for a command, "network" for a connection
  std::string verdict;        // allowed | refused | error | unlogged
  std::string method;         // CONNECT, GET, ...
  std::string host;
  int port = 0;
  // An AI coding agent's tool call (vg/cmd_agent_hook.cpp): which harness
  // asked, and its ids for the session and the call.
  std::string agent;     // "claude-code", "codex", "gemini", "cursor"; "" for others
  std::string session;   // the agent's session id (Cursor: conversation_id)
  std::string tool_use;  // the tool call's id (Cursor: generation_id)
};

// Return the log file for `config`: audit.path, else $XDG_STATE_HOME/vg/audit.jsonl.
std::string audit_path(const config::Config& config);

// Serialize `r` as one JSON object followed by "\n".
std::string to_json_line(const AuditRecord& r);

// Append `line` (ending in "\n") to `path` under an exclusive lock on
// `path.lock`, rotating first when the file would pass `max_size` bytes
// (path -> path.1 -> ... -> path.keep). A torn last line left by a crash is
// terminated first so that the new line stays whole.
Result<void> append_line(const std::string& path, const std::string& line, std::uint64_t max_size, int keep);

// Check that a line could be appended to the log at `path` now: its lock
// and the file itself open for writing (both created when missing). The
// Error names the call and the path (a read-only file system, a full disk
// at the open, a directory in the way).
Result<void> check_appendable(const std::string& path);

// What reading the log found.
struct AuditRead {
  std::vector<AuditRecord> records;
  std::vector<std::string> raw;       // the source line of each record
  std::vector<std::string> warnings;  // "audit.jsonl:17: ... (skipped)"
};

// Parse the JSON lines of `text` (from `path`, used in warnings), skipping
// malformed lines with a warning naming their line number.
AuditRead parse_audit(const std::string& path, const std::string& text);

// Parse one line; an Error says why it is not a record.
Result<AuditRecord> parse_audit_line(const std::string& line);

}  // namespace vg::router
