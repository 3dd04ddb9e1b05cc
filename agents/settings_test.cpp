#include "agents/settings.hpp"

#include <gtest/gtest.h>

#include "agents/diff.hpp"
#include "agents/json_text.hpp"
#include "router/json_read.hpp"

namespace vg::agents {
namespace {

TEST(Settings, PathsPerHarnessAndScope) {
  Places p{"/home/a", "/src/proj", ""};
  EXPECT_EQ(settings_path(Harness::claude_code, Scope::user, p), "/home/a/.claude/settings.json");
  EXPECT_EQ(settings_path(Harness::claude_code, Scope::project, p), "/src/proj/.claude/settings.json");
  EXPECT_EQ(settings_path(Harness::codex, Scope::user, p), "/home/a/.codex/hooks.json");
  p.codex_home = "/cx";
  EXPECT_EQ(settings_path(Harness::codex, Scope::user, p), "/cx/hooks.json");
  EXPECT_EQ(settings_path(Harness::gemini, Scope::project, p), "/src/proj/.gemini/settings.json");
  EXPECT_EQ(settings_path(Harness::cursor, Scope::user, p), "/home/a/.cursor/hooks.json");
}

TEST(Settings, RecognisesVgsHookWhateverItsPath) {
  EXPECT_TRUE(is_vg_hook(Harness::codex, "/usr/bin/vg hook codex"));
  EXPECT_TRUE(is_vg_hook(Harness::codex, "'/opt/my tools/vg' hook codex"));
  EXPECT_TRUE(is_vg_hook(Harness::codex, "vg hook codex"));
  EXPECT_FALSE(is_vg_hook(Harness::codex, "/usr/bin/vg hook cursor"));
  EXPECT_FALSE(is_vg_hook(Harness::codex, "/usr/bin/notvg hook codex"));
  EXPECT_FALSE(is_vg_hook(Harness::codex, "audit.sh"));
}

TEST(Settings, ConnectIsIdempotentReplacesAnOldPathAndDisconnectRestores) {
  std::string original = R"({"model": "x", "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "a.sh"}]}]}})";
  auto on = connect_settings(Harness::claude_code, original, "/usr/bin/vg hook claude-code");
  ASSERT_TRUE(on.ok()) << on.error().message;
  EXPECT_TRUE(on->changed);
  EXPECT_EQ(vg_hooks_in(Harness::claude_code, on->text), std::vector<std::string>{"/usr/bin/vg hook claude-code"});
  auto twice = connect_settings(Harness::claude_code, on->text, "/usr/bin/vg hook claude-code");
  ASSERT_TRUE(twice.ok());
  EXPECT_FALSE(twice->changed);
  auto moved = connect_settings(Harness::claude_code, on->text, "/opt/vg/bin/vg hook claude-code");
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(vg_hooks_in(Harness::claude_code, moved->text), std::vector<std::string>{"/opt/vg/bin/vg hook claude-code"});
  auto off = disconnect_settings(Harness::claude_code, moved->text);
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->remove);
  EXPECT_TRUE(same_value(*router::parse_json(off->text), *router::parse_json(original))) << off->text;
}

TEST(Settings, AFileOnlyVgFilledIsRemovedOnDisconnect) {
  for (Harness h : all_harnesses()) {
    auto on = connect_settings(h, "", "vg hook " + std::string(to_string(h)));
    ASSERT_TRUE(on.ok());
    auto off = disconnect_settings(h, on->text);
    ASSERT_TRUE(off.ok());
    EXPECT_TRUE(off->remove) << to_string(h) << ": " << off->text;
  }
}

TEST(Settings, AShapeVgDoesNotKnowIsLeftAlone) {
  EXPECT_FALSE(connect_settings(Harness::gemini, "{\"hooks\": []}", "vg hook gemini").ok());
  EXPECT_FALSE(connect_settings(Harness::gemini, "{\"hooks\": {\"BeforeTool\": {}}}", "vg hook gemini").ok());
  EXPECT_FALSE(connect_settings(Harness::gemini, "// comment\n{}", "vg hook gemini").ok());
  EXPECT_FALSE(disconnect_settings(Harness::cursor, "[]").ok());
}

TEST(Diff, ShowsTheChangedLinesWithContext) {
  std::string d = unified_diff("a\nb\nc\n", "a\nB\nc\n", "f");
  EXPECT_EQ(d, "--- f\n+++ f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
  EXPECT_EQ(unified_diff("x\n", "x\n", "f"), "");
  EXPECT_EQ(unified_diff("", "x\n", "f"), "--- f\n+++ f\n@@ -0,0 +1,1 @@\n+x\n");
}

}  // namespace
}  // namespace vg::agents
