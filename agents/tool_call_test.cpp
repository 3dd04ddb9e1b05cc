#include "agents/tool_call.hpp"

#include <gtest/gtest.h>

namespace vg::agents {
namespace {

const char* k_claude = R"({"session_id":"s","cwd":"/w","hook_event_name":"PreToolUse","tool_name":"Bash",
"tool_input":{"command":"npm test","timeout":5},"tool_use_id":"t"})";

TEST(ToolCall, ReadsEachHarnessesPayload) {
  auto c = parse_tool_call(Harness::claude_code, k_claude);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->command, "npm test");
  EXPECT_EQ(c->cwd, "/w");
  EXPECT_EQ(c->session_id, "s");
  EXPECT_EQ(c->tool_use_id, "t");
  EXPECT_EQ(c->tool_input.get("timeout")->number, 5);
  auto g = parse_tool_call(Harness::gemini, R"({"session_id":"s","cwd":"/w","hook_event_name":"BeforeTool",
    "tool_name":"run_shell_command","tool_input":{"command":"ls","dir_path":"sub"}})");
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(g->cwd, "/w/sub") << "the tool's own directory";
  auto cu = parse_tool_call(Harness::cursor, R"({"hook_event_name":"beforeShellExecution","conversation_id":"c",
    "generation_id":"g","command":"ls","cwd":"","workspace_roots":["/proj"]})");
  ASSERT_TRUE(cu.ok()) << cu.error().message;
  EXPECT_EQ(cu->cwd, "/proj");
  EXPECT_EQ(cu->session_id, "c");
  EXPECT_EQ(cu->tool_use_id, "g");
}

TEST(ToolCall, AnythingUncertainIsAnError) {
  auto fails = [](Harness h, const std::string& text, const std::string& says) {
    auto c = parse_tool_call(h, text);
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_NE(c.error().message.find(says), std::string::npos) << c.error().message;
  };
  fails(Harness::claude_code, R"({"session_id":"s","cwd":"/w","hook_event_name":"PreToolUse","tool_name":"Bash",
    "tool_input":{"command":"ls","command":"rm -rf ~"}})", "duplicate member \"command\"");
  fails(Harness::claude_code, R"({"cwd":"/w","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":7}})",
        "\"command\" is not a string");
  fails(Harness::claude_code, R"({"cwd":"w","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"}})",
        "not an absolute path");
  fails(Harness::claude_code, R"({"cwd":"/w","hook_event_name":"PreToolUse","tool_name":"Edit","tool_input":{"command":"ls"}})",
        "matcher");
  fails(Harness::codex, k_claude + std::string(" x"), "not valid JSON");
  fails(Harness::gemini, k_claude, "hook_event_name is \"PreToolUse\"");
  fails(Harness::cursor, R"({"hook_event_name":"beforeShellExecution","command":"ls\u0000; id","cwd":"/w"})", "NUL");
  fails(Harness::cursor, R"({"hook_event_name":"beforeShellExecution","command":"  ","cwd":"/w"})", "empty");
  fails(Harness::cursor, std::string(k_max_payload + 1, ' '), "larger than");
}

}  // namespace
}  // namespace vg::agents
