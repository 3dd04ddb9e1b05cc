// vg hook HARNESS with each harness's documented payload: the answer's shape
// (validated against fixtures/schemas/), the decision for each route, the
// sandboxed rewrite run as the harness runs it, fail-closed payloads, audit.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agents/harness.hpp"
#include "agents/json_text.hpp"
#include "agents/status.hpp"
#include "agents/tool_call.hpp"
#include "router/json_read.hpp"
#include "tests/agents/runner.hpp"
#include "tests/agents/schema_check.hpp"

namespace vg::agents::e2e {
namespace {

using router::Json;

const char* fixture_name(Harness h) {
  switch (h) {
    case Harness::claude_code: return "claude-code.pre-tool-use.json";
    case Harness::codex: return "codex.pre-tool-use.json";
    case Harness::gemini: return "gemini.before-tool.json";
    case Harness::cursor: return "cursor.before-shell-execution.json";
  }
  return "";
}

Json fixture(Harness h) {
  auto parsed = router::parse_json(read_text(std::string(VG_AGENTS_FIXTURES) + "/" + fixture_name(h)));
  EXPECT_TRUE(parsed.ok()) << fixture_name(h);
  return parsed ? *parsed : Json{};
}

// The documented payload of `h`, asking to run `command` in `cwd`.
std::string payload(Harness h, const std::string& command, const std::string& cwd) {
  Json p = fixture(h);
  member(p, "cwd", json_string("")) = json_string(cwd);
  if (h == Harness::cursor) {
    member(p, "command", json_string("")) = json_string(command);
    Json roots;
    roots.type = Json::Type::array;
    roots.items.push_back(json_string(cwd));
    member(p, "workspace_roots", roots) = roots;
  } else {
    member(member(p, "tool_input", json_object()), "command", json_string("")) = json_string(command);
  }
  return to_text(p, Layout::pretty);
}

struct Answered {
  Json json;
  std::string decision;  // agents::answer_decision
  std::string text;      // the reason / message
  std::string rewritten; // the rewritten command, when any
};

// Run the hook; assert what every answer must be: exit 0, one JSON line on
// stdout and nothing else, valid against the harness's answer schema.
Answered ask_hook(const Home& home, Harness h, const std::string& input) {
  Ran r = home.vg({"hook", to_string(h)}, input);
  Answered a;
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(r.out.empty());
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << "one line on stdout: " << r.out;
  auto parsed = router::parse_json(r.out);
  EXPECT_TRUE(parsed.ok()) << r.out;
  if (!parsed) return a;
  a.json = *parsed;
  std::string violation = schema_violation(load_schema(std::string(to_string(h)) + ".answer.json"), a.json);
  EXPECT_EQ(violation, "") << to_string(h) << ": " << r.out;
  a.decision = answer_decision(h, r.out);
  const Json* specific = a.json.get("hookSpecificOutput");
  switch (h) {
    case Harness::claude_code:
    case Harness::codex:
      if (specific) {
        a.text = specific->get_string("permissionDecisionReason");
        if (const Json* u = specific->get("updatedInput")) a.rewritten = u->get_string("command");
      }
      break;
    case Harness::gemini:
      a.text = a.json.get_string("reason");
      if (specific && specific->get("tool_input")) a.rewritten = specific->get("tool_input")->get_string("command");
      break;
    case Harness::cursor: a.text = a.json.get_string("agent_message"); break;
  }
  return a;
}

const char* k_auto = R"(sandbox:
  mode: auto
  risk_threshold: {low: host, medium: sandbox, high: ask}
)";

TEST(AgentsHook, EachRouteGetsTheHarnessesOwnAnswer) {
  Home home;
  home.config(k_auto);
  struct Row {
    const char* command;
    // claude-code, codex, gemini, cursor
    std::vector<std::string> decisions;
  };
  // host -> allow (Codex: no decision); sandbox -> rewrite where the harness
  // can, else deny; ask -> the harness's ask, else ask_fallback (refuse);
  // critical -> deny everywhere.
  std::vector<Row> rows = {
      {"ls", {"allow", "none", "allow", "allow"}},
      {"pip install requests", {"rewrite", "deny", "rewrite", "deny"}},
      {"git push --force", {"ask", "deny", "deny", "ask"}},
      {"rm -rf /", {"deny", "deny", "deny", "deny"}},
  };
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < all_harnesses().size(); ++i) {
      Harness h = all_harnesses()[i];
      SCOPED_TRACE(std::string(to_string(h)) + ": " + row.command);
      Answered a = ask_hook(home, h, payload(h, row.command, home.work()));
      EXPECT_EQ(a.decision, row.decisions[i]);
      if (a.decision == "deny") {
        EXPECT_FALSE(a.text.empty()) << "a denial says why";
      }
      if (std::string(row.command) == "rm -rf /") {
        EXPECT_NE(a.text.find("fs.wipe.root"), std::string::npos) << a.text;
      }
      if (a.decision == "rewrite") {
        EXPECT_EQ(a.rewritten, vg_bin() + " exec --sandbox -- bash -c 'pip install requests'");
      }
    }
  }
}

TEST(AgentsHook, ClaudeCodesRewriteKeepsTheRestOfTheToolInput) {
  Home home;
  Answered a = ask_hook(home, Harness::claude_code, payload(Harness::claude_code, "echo 'it''s'", home.work()));
  ASSERT_EQ(a.decision, "rewrite");
  const Json* input = a.json.get("hookSpecificOutput")->get("updatedInput");
  EXPECT_EQ(input->get_string("description"), "Run the test suite");
  ASSERT_TRUE(input->get("timeout"));
  EXPECT_EQ(input->get("timeout")->number, 120000);
  // The quoting survives a shell: bash -c sees the original text.
  EXPECT_EQ(a.rewritten, vg_bin() + " exec --sandbox -- bash -c 'echo '\\''it'\\'''\\''s'\\'''");
}

// Whether the namespace sandbox runs here; a skip is a failure under CI.
bool sandbox_works(const Home& home) {
  Ran r = home.vg({"exec", "--sandbox", "--no-cache", "--", "true"});
  return r.exit_code == 0;
}

TEST(AgentsHook, ARewrittenCallRunsInTheSandboxAsTheHarnessRunsIt) {
  Home home;
  if (!sandbox_works(home)) {
    if (std::getenv("CI")) FAIL() << "the sandbox does not start here, and CI requires it";
    GTEST_SKIP() << "the sandbox does not start here";
  }
  std::string outside = home.path() + "/outside-" ;
  for (Harness h : {Harness::claude_code, Harness::gemini}) {
    SCOPED_TRACE(to_string(h));
    std::string mark = outside + to_string(h);
    std::string command = "id -u > uid-" + std::string(to_string(h)) + ".txt; echo escaped > " + mark;
    Answered a = ask_hook(home, h, payload(h, command, home.work()));
    ASSERT_EQ(a.decision, "rewrite");
    // As the harness runs the tool's command: through bash -c, in the cwd.
    Ran ran = home.run({"/bin/bash", "-c", a.rewritten});
    EXPECT_EQ(read_text(home.work() + "/uid-" + to_string(h) + ".txt"), "65534\n")
        << "the write in the workspace lands, made as nobody; " << ran.err;
    EXPECT_FALSE(file_exists(mark)) << "a write outside the workspace never reaches the host";
  }
}

TEST(AgentsHook, TheCommandVgNamesInADenialIsLetThroughAndRunsSandboxed) {
  Home home;
  if (!sandbox_works(home)) {
    if (std::getenv("CI")) FAIL() << "the sandbox does not start here, and CI requires it";
    GTEST_SKIP() << "the sandbox does not start here";
  }
  for (Harness h : {Harness::codex, Harness::cursor}) {
    SCOPED_TRACE(to_string(h));
    std::string file = std::string("uid-") + to_string(h) + ".txt";
    Answered a = ask_hook(home, h, payload(h, "id -u > " + file, home.work()));
    ASSERT_EQ(a.decision, "deny");
    std::string named = a.text.substr(a.text.rfind('\n') + 1);
    EXPECT_EQ(named, vg_bin() + " exec --sandbox -- bash -c 'id -u > " + file + "'");
    Answered again = ask_hook(home, h, payload(h, named, home.work()));
    EXPECT_EQ(again.decision, h == Harness::codex ? "none" : "allow");
    home.run({"/bin/bash", "-c", named});
    EXPECT_EQ(read_text(home.work() + "/" + file), "65534\n");
    // Anything else around it is judged as a command of its own.
    Answered chained = ask_hook(home, h, payload(h, named + "; id", home.work()));
    EXPECT_EQ(chained.decision, "deny");
  }
}

TEST(AgentsHook, MalformedPayloadsFailClosed) {
  Home home;
  home.config("sandbox: {mode: disabled}\n");  // everything readable would be allowed
  for (Harness h : all_harnesses()) {
    SCOPED_TRACE(to_string(h));
    std::string good = payload(h, "ls", home.work());
    ASSERT_EQ(ask_hook(home, h, good).decision, h == Harness::codex ? "none" : "allow");
    std::string in_input = h == Harness::cursor ? "\"command\": \"ls\"," : "\"tool_input\": {\"command\": \"ls\",";
    std::vector<std::pair<std::string, std::string>> bad = {
        {"empty", ""},
        {"not JSON", "run ls please"},
        {"truncated", good.substr(0, good.size() / 2)},
        {"an array", "[" + good + "]"},
        {"huge", good.substr(0, good.size() - 2) + ", \"pad\": \"" + std::string(k_max_payload, 'x') + "\"}"},
        {"duplicate command", [&] {
           std::string s = good;
           std::string key = h == Harness::cursor ? "\"command\": \"ls\"" : "\"command\": \"ls\"";
           s.replace(s.find(key), key.size(), "\"command\": \"ls\", \"command\": \"rm -rf ~\"");
           return s;
         }()},
        {"duplicate cwd", [&] {
           std::string s = good;
           std::string key = "\"cwd\": ";
           s.replace(s.find(key), key.size(), "\"cwd\": \"/\", \"cwd\": ");
           return s;
         }()},
        {"another event", [&] {
           std::string s = good;
           std::string ev = std::string("\"") + event_name(h) + "\"";
           s.replace(s.find(ev), ev.size(), "\"PostToolUse\"");
           return s;
         }()},
        {"a relative cwd", payload(h, "ls", "work")},
        {"a NUL in the command", payload(h, std::string("ls\0; rm -rf ~", 13), home.work())},
        {"no command", [&] {
           std::string s = good;
           std::string key = "\"command\": ";
           s.replace(s.find(key), key.size(), "\"cmd\": ");
           return s;
         }()},
    };
    (void)in_input;
    if (h != Harness::cursor) {
      std::string s = good;
      std::string tool = std::string("\"") + shell_tool(h) + "\"";
      s.replace(s.find(tool), tool.size(), "\"Write\"");
      bad.emplace_back("another tool", s);
    }
    for (const auto& [what, text] : bad) {
      SCOPED_TRACE(what);
      Answered a = ask_hook(home, h, text);
      EXPECT_EQ(a.decision, "deny");
      EXPECT_NE(a.text.find("vg could not judge this tool call"), std::string::npos) << a.text;
    }
  }
}

TEST(AgentsHook, EveryDecisionIsAnAuditRecordWithTheHarnessAndIds) {
  Home home;
  home.config(k_auto);
  for (Harness h : all_harnesses()) ask_hook(home, h, payload(h, "rm -rf /", home.work()));
  ask_hook(home, Harness::claude_code, "{\"broken\": ");
  Ran log = home.vg({"log", "--json", "-n", "0"});
  ASSERT_EQ(log.exit_code, 0) << log.err;
  std::vector<Json> records;
  std::size_t pos = 0;
  while (pos < log.out.size()) {
    std::size_t nl = log.out.find('\n', pos);
    auto r = router::parse_json(log.out.substr(pos, nl - pos));
    ASSERT_TRUE(r.ok());
    records.push_back(*r);
    pos = nl + 1;
  }
  ASSERT_EQ(records.size(), 5u) << log.out;
  const char* sessions[] = {"abc123", "019a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8", "8d5c9f0e-1a2b-4c3d-9e8f-7a6b5c4d3e2f",
                            "conv-123"};
  const char* tool_uses[] = {"toolu_01ABC123", "call-123", "", "gen-456"};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(records[i].get_string("agent"), to_string(all_harnesses()[i]));
    EXPECT_EQ(records[i].get_string("session"), sessions[i]);
    EXPECT_EQ(records[i].get_string("tool_use"), tool_uses[i]);
    EXPECT_EQ(records[i].get_string("route"), "refuse");
    EXPECT_EQ(records[i].get_string("command"), "rm -rf /");
    EXPECT_EQ(records[i].get_string("cwd"), home.work());
  }
  EXPECT_EQ(records[4].get_string("agent"), "claude-code");
  EXPECT_EQ(records[4].get_string("route"), "refuse");
  Ran table = home.vg({"log", "-n", "0"});
  EXPECT_NE(table.out.find("[cursor] rm -rf /"), std::string::npos) << table.out;
}

}  // namespace
}  // namespace vg::agents::e2e
