// vg connect HARNESS on fresh and existing settings files: the hook merged in
// the documented format, everything else kept, idempotent, a backup, a
// dry-run diff that changes nothing, --uninstall restoring the file, and
// --status's round trip through each connected hook.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "agents/harness.hpp"
#include "agents/json_text.hpp"
#include "agents/settings.hpp"
#include "router/json_read.hpp"
#include "tests/agents/runner.hpp"
#include "tests/agents/schema_check.hpp"

namespace vg::agents::e2e {
namespace {

namespace fs = std::filesystem;
using router::Json;

std::string user_file(const Home& home, Harness h) {
  return settings_path(h, Scope::user, Places{home.path(), home.work(), ""});
}

// A settings file someone already has: other settings and another hook on
// the same event.
std::string existing_settings(Harness h) {
  switch (h) {
    case Harness::claude_code:
      return R"J({
  "permissions": {"allow": ["Bash(npm test)"]},
  "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "audit-bash.sh", "timeout": 30}]}],
            "PostToolUse": [{"matcher": "Write|Edit", "hooks": [{"type": "command", "command": "prettier --write"}]}]}
}
)J";
    case Harness::codex:
      return R"J({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "python3 ~/.codex/hooks/log.py", "statusMessage": "logging"}]}]}}
)J";
    case Harness::gemini:
      return R"J({"theme": "GitHub", "general": {"vimMode": true},
 "hooks": {"BeforeTool": [{"matcher": "write_file", "hooks": [{"type": "command", "command": "./check.sh", "name": "check", "timeout": 5000}]}]}}
)J";
    case Harness::cursor:
      return R"J({"version": 1, "hooks": {"beforeShellExecution": [{"command": "./audit.sh"}], "afterFileEdit": [{"command": "./format.sh"}]}}
)J";
  }
  return "";
}

Json parse(const std::string& text) {
  auto j = router::parse_json(text);
  EXPECT_TRUE(j.ok()) << text;
  return j ? *j : Json{};
}

int backups(const std::string& path) {
  int n = 0;
  std::string prefix = fs::path(path).filename().string() + ".vg-backup-";
  for (const auto& e : fs::directory_iterator(fs::path(path).parent_path())) {
    if (e.path().filename().string().rfind(prefix, 0) == 0) ++n;
  }
  return n;
}

void expect_connected(const Home& home, Harness h, const std::string& path) {
  std::string text = read_text(path);
  std::string violation =
      schema_violation(load_schema(std::string(to_string(h)) + ".settings.json"), parse(text));
  EXPECT_EQ(violation, "") << text;
  auto hooks = vg_hooks_in(h, text);
  ASSERT_EQ(hooks.size(), 1u) << text;
  EXPECT_EQ(hooks[0], vg_bin() + " hook " + to_string(h));
  (void)home;
}

TEST(AgentsConnect, AFreshFileGetsTheHookAndUninstallRemovesIt) {
  for (Harness h : all_harnesses()) {
    SCOPED_TRACE(to_string(h));
    Home home;
    std::string path = user_file(home, h);
    Ran dry = home.vg({"connect", to_string(h), "--dry-run"});
    EXPECT_EQ(dry.exit_code, 0) << dry.err;
    EXPECT_NE(dry.out.find("+++ " + path), std::string::npos) << dry.out;
    EXPECT_FALSE(file_exists(path)) << "a dry run changes nothing";
    Ran first = home.vg({"connect", to_string(h)});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    expect_connected(home, h, path);
    std::string once = read_text(path);
    Ran second = home.vg({"connect", to_string(h)});
    EXPECT_EQ(second.exit_code, 0);
    EXPECT_NE(second.out.find("already there"), std::string::npos) << second.out;
    EXPECT_EQ(read_text(path), once) << "idempotent";
    EXPECT_EQ(backups(path), 0) << "nothing to back up: there was no file";
    Ran off = home.vg({"connect", to_string(h), "--uninstall"});
    EXPECT_EQ(off.exit_code, 0) << off.err;
    EXPECT_FALSE(file_exists(path)) << "the file held nothing but vg's hook";
  }
}

TEST(AgentsConnect, AnExistingFileKeepsEverythingElseAndIsRestored) {
  for (Harness h : all_harnesses()) {
    SCOPED_TRACE(to_string(h));
    Home home;
    std::string path = user_file(home, h);
    std::string original = existing_settings(h);
    write_text(path, original);
    Ran dry = home.vg({"connect", to_string(h), "--dry-run"});
    EXPECT_NE(dry.out.find("vg hook " + std::string(to_string(h))), std::string::npos) << dry.out;
    EXPECT_EQ(read_text(path), original);
    Ran on = home.vg({"connect", to_string(h)});
    ASSERT_EQ(on.exit_code, 0) << on.err;
    expect_connected(home, h, path);
    EXPECT_EQ(backups(path), 1);
    // Every other setting and hook is still there, in place.
    Json after = parse(read_text(path));
    Json before = parse(original);
    for (const auto& [name, value] : before.members) {
      if (name == "hooks") continue;
      ASSERT_TRUE(after.get(name)) << name;
      EXPECT_TRUE(same_value(value, *after.get(name))) << name;
    }
    for (const auto& [event, list] : before.get("hooks")->members) {
      const Json* now = after.get("hooks")->get(event);
      ASSERT_TRUE(now) << event;
      for (std::size_t i = 0; i < list.items.size(); ++i) EXPECT_TRUE(same_value(list.items[i], now->items[i]));
    }
    Ran off = home.vg({"connect", to_string(h), "--uninstall"});
    ASSERT_EQ(off.exit_code, 0) << off.err;
    EXPECT_EQ(read_text(path), original) << "restored as it was written";
    EXPECT_EQ(backups(path), 2);
    Ran again = home.vg({"connect", to_string(h), "--uninstall"});
    EXPECT_NE(again.out.find("nothing to remove"), std::string::npos) << again.out;
  }
}

TEST(AgentsConnect, AFileVgCannotReadIsLeftAlone) {
  Home home;
  std::string path = user_file(home, Harness::claude_code);
  write_text(path, "{\"hooks\": [\"not\", \"an object\"]}");
  Ran on = home.vg({"connect", "claude-code"});
  EXPECT_EQ(on.exit_code, 78) << on.out;
  EXPECT_NE(on.err.find("vg leaves it alone"), std::string::npos) << on.err;
  EXPECT_EQ(read_text(path), "{\"hooks\": [\"not\", \"an object\"]}");
  write_text(path, "{\"a\": 1, \"a\": 2}");
  EXPECT_EQ(home.vg({"connect", "claude-code"}).exit_code, 78);
}

TEST(AgentsConnect, StatusRoundTripsThroughEachConnectedHook) {
  Home home;
  EXPECT_NE(home.vg({"connect", "--status"}).out.find("not connected"), std::string::npos);
  for (Harness h : all_harnesses()) {
    ASSERT_EQ(home.vg({"connect", to_string(h)}).exit_code, 0);
  }
  ASSERT_EQ(home.vg({"connect", "cursor", "--project"}).exit_code, 0);
  Ran status = home.vg({"connect", "--status"});
  EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
  for (Harness h : all_harnesses()) {
    EXPECT_NE(status.out.find(user_file(home, h)), std::string::npos) << status.out;
  }
  EXPECT_NE(status.out.find(home.work() + "/.cursor/hooks.json"), std::string::npos) << status.out;
  std::size_t oks = 0;
  for (std::size_t p = status.out.find("round trip: ok"); p != std::string::npos;
       p = status.out.find("round trip: ok", p + 1)) {
    ++oks;
  }
  EXPECT_EQ(oks, 5u) << status.out;
  // A hook that no longer answers is reported.
  write_text(user_file(home, Harness::codex),
             R"J({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "/nonexistent/vg hook codex"}]}]}})J");
  Ran broken = home.vg({"connect", "--status"});
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.out.find("FAILED"), std::string::npos) << broken.out;
  // vg doctor reports the same, from the same round trips.
  Ran doctor = home.vg({"doctor", "--json"});
  auto at = doctor.out.find("\"coding-agent hooks\"");
  ASSERT_NE(at, std::string::npos) << doctor.out;
  std::string check = doctor.out.substr(at, doctor.out.find('}', at) - at);
  EXPECT_NE(check.find("\"status\":\"fail\""), std::string::npos) << check;
  EXPECT_NE(check.find("codex"), std::string::npos) << check;
  EXPECT_NE(check.find("claude-code"), std::string::npos) << check;
}

TEST(AgentsConnect, DoctorSaysWhenNoAgentIsConnected) {
  Home home;
  Ran doctor = home.vg({"doctor", "--json"});
  auto at = doctor.out.find("\"coding-agent hooks\"");
  ASSERT_NE(at, std::string::npos) << doctor.out;
  EXPECT_NE(doctor.out.substr(at, 120).find("\"status\":\"skip\""), std::string::npos) << doctor.out.substr(at, 200);
}

}  // namespace
}  // namespace vg::agents::e2e
