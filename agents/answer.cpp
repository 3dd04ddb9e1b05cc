#include "agents/answer.hpp"

#include "agents/json_text.hpp"

namespace vg::agents {
namespace {

using router::Json;

std::string with_findings(std::string text, const Ruling& r) {
  if (!r.findings.empty()) text += "\n" + r.findings;
  return text;
}

Answer sandbox_answer(Harness h, const Ruling& r, const std::string& why) {
  if (abilities(h).rewrite) {
    return {Decision::rewrite, "vg runs this command in its sandbox (" + why + ")", r.sandboxed, "sandbox"};
  }
  return {Decision::deny,
          "vg: this command must run in vg's sandbox (" + why + "), and " + to_string(h) +
              " cannot rewrite a command from a hook. Run exactly this instead (vg lets it through, and it runs "
              "sandboxed):\n" +
              r.sandboxed,
          "", "sandbox"};
}

// Claude Code and Codex: {"hookSpecificOutput": {"hookEventName": "PreToolUse", ...}}.
Json pre_tool_use(const char* decision, const std::string& reason) {
  Json specific = json_object();
  member(specific, "hookEventName", json_string("PreToolUse"));
  member(specific, "permissionDecision", json_string(decision));
  member(specific, "permissionDecisionReason", json_string(reason));
  Json out = json_object();
  member(out, "hookSpecificOutput", specific);
  return out;
}

// The tool's input with its command replaced (Claude Code's updatedInput
// replaces the whole input, so every other member is kept).
Json rewritten_input(const ToolCall* call, const std::string& command) {
  Json input = call && call->tool_input.is_object() ? call->tool_input : json_object();
  member(input, "command", json_string("")) = json_string(command);
  return input;
}

Json claude_code(const ToolCall* call, const Answer& a) {
  switch (a.decision) {
    case Decision::allow: return pre_tool_use("allow", a.reason);
    case Decision::ask: return pre_tool_use("ask", a.reason);
    case Decision::deny: return pre_tool_use("deny", a.reason);
    case Decision::rewrite: {
      Json out = pre_tool_use("allow", a.reason);
      member(out.members[0].second, "updatedInput", rewritten_input(call, a.command));
      return out;
    }
  }
  return pre_tool_use("deny", a.reason);
}

// Codex accepts allow only with updatedInput and rejects ask (it fails open
// on both): an allowed call is an answer without a decision.
Json codex(const Answer& a) {
  if (a.decision == Decision::allow) return json_object();
  return pre_tool_use("deny", a.reason);
}

Json gemini(const Answer& a) {
  Json out = json_object();
  switch (a.decision) {
    case Decision::allow: member(out, "decision", json_string("allow")); return out;
    case Decision::rewrite: {
      member(out, "decision", json_string("allow"));
      Json specific = json_object();
      member(specific, "hookEventName", json_string("BeforeTool"));
      // Merged over the model's arguments: only the command changes.
      Json input = json_object();
      member(input, "command", json_string(a.command));
      member(specific, "tool_input", input);
      member(out, "hookSpecificOutput", specific);
      return out;
    }
    case Decision::ask:
    case Decision::deny: break;
  }
  member(out, "decision", json_string("deny"));
  member(out, "reason", json_string(a.reason));
  return out;
}

Json cursor(const Answer& a) {
  Json out = json_object();
  switch (a.decision) {
    case Decision::allow: member(out, "permission", json_string("allow")); return out;
    case Decision::ask: member(out, "permission", json_string("ask")); break;
    case Decision::rewrite:  // never chosen for Cursor; deny rather than run the original
    case Decision::deny: member(out, "permission", json_string("deny")); break;
  }
  std::string first_line = a.reason.substr(0, a.reason.find('\n'));
  member(out, "user_message", json_string(first_line));
  member(out, "agent_message", json_string(a.reason));
  return out;
}

}  // namespace

Answer answer_for(Harness h, const Ruling& r) {
  switch (r.route) {
    case router::Route::host: return {Decision::allow, "vg: " + r.why, "", "host"};
    case router::Route::sandbox: return sandbox_answer(h, r, r.why);
    case router::Route::ask: {
      if (abilities(h).ask) {
        return {Decision::ask, with_findings("vg asks before this runs on the host: " + r.why, r), "", "ask"};
      }
      std::string why = r.why + "; " + to_string(h) + " cannot ask from a hook, and sandbox.ask_fallback is " +
                        config::to_string(r.ask_fallback);
      switch (r.ask_fallback) {
        case config::Action::host: return {Decision::allow, "vg: " + why, "", "host"};
        case config::Action::sandbox: return sandbox_answer(h, r, why);
        case config::Action::ask:
        case config::Action::refuse: break;
      }
      return {Decision::deny,
              with_findings("vg: this command needs a person's approval (" + why + ")", r) +
                  "\nA person can run it themselves, or approve it for agents with 'vg trust add'. To run it in vg's "
                  "sandbox now, run exactly:\n" +
                  r.sandboxed,
              "", "refuse"};
    }
    case router::Route::refuse: break;
  }
  std::string text = with_findings("vg refused this command: " + r.why, r);
  if (!r.hint.empty()) text += "\nTo proceed: " + r.hint;
  text += "\nNothing was run.";
  return {Decision::deny, text, "", "refuse"};
}

Answer unreadable(const std::string& problem) {
  return {Decision::deny,
          "vg could not judge this tool call, so it was not run: " + problem +
              ". Retry the command as a plain shell command; if this repeats, check the hook with 'vg connect "
              "--status'.",
          "", "refuse"};
}

std::string answer_text(Harness h, const ToolCall* call, const Answer& a) {
  Json out;
  switch (h) {
    case Harness::claude_code: out = claude_code(call, a); break;
    case Harness::codex: out = codex(a); break;
    case Harness::gemini: out = gemini(a); break;
    case Harness::cursor: out = cursor(a); break;
  }
  return to_text(out) + "\n";
}

}  // namespace vg::agents
