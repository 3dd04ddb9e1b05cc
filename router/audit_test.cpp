#include "router/audit.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "router/state_test_util.hpp"

namespace vg::router {
namespace {

AuditRecord sample(int i) {
  AuditRecord r;
  r.time = "2026-11-22T07:09:43.123Z";
  r.user = "alice";
  r.cwd = "/home/alice/x";
  r.command = "echo \"" + std::to_string(i) + "\"\n\x01 and invalid \xff utf-8";
  r.level = config::Level::high;
  r.findings = {{"net.pipe.shell", config::Level::high}, {"fs.write", config::Level::medium}};
  r.understood = false;
  r.route = "sandbox";
  r.backend = "mock";
  r.exit_code = i;
  r.duration_ms = 12.4;
  return r;
}

TEST(Audit, RecordRoundTripsThroughOneLine) {
  std::string line = to_json_line(sample(3));
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one record, one line";
  auto r = parse_audit_line(line.substr(0, line.size() - 1));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->user, "alice");
  EXPECT_EQ(r->level, config::Level::high);
  ASSERT_EQ(r->findings.size(), 2u);
  EXPECT_EQ(r->findings[0].first, "net.pipe.shell");
  EXPECT_FALSE(r->understood);
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->duration_ms, 12);
  EXPECT_FALSE(r->cache_hit);
  EXPECT_NE(r->command.find("\xef\xbf\xbd"), std::string::npos) << "invalid UTF-8 becomes U+FFFD";
}

TEST(Audit, AnAgentsToolCallKeepsItsHarnessAndIds) {
  AuditRecord a = sample(0);
  a.agent = "claude-code";
  a.session = "abc123";
  a.tool_use = "toolu_01ABC123";
  auto r = parse_audit_line(to_json_line(a));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->agent, "claude-code");
  EXPECT_EQ(r->session, "abc123");
  EXPECT_EQ(r->tool_use, "toolu_01ABC123");
  // A record of no agent has none of the three members.
  EXPECT_EQ(to_json_line(sample(0)).find("\"agent\""), std::string::npos);
}

TEST(Audit, BadLinesAreSkippedWithTheirLineNumber) {
  std::string good = to_json_line(sample(1));
  std::string text = good + "{not json\n" + "\n" + "[1,2]\n" + good + "{\"time\":\"x\",\"route\":\"host\"}";
  auto read = parse_audit("audit.jsonl", text);
  EXPECT_EQ(read.records.size(), 2u);
  ASSERT_EQ(read.warnings.size(), 3u);
  EXPECT_EQ(read.warnings[0].rfind("audit.jsonl:2:", 0), 0u) << read.warnings[0];
  EXPECT_EQ(read.warnings[1].rfind("audit.jsonl:4:", 0), 0u) << read.warnings[1];
  EXPECT_EQ(read.warnings[2].rfind("audit.jsonl:6:", 0), 0u) << read.warnings[2];
}

TEST(Audit, AppendTerminatesATornLastLine) {
  std::string dir = test::make_temp_dir();
  std::string path = dir + "/audit.jsonl";
  test::spit(path, "{\"time\":\"torn");
  ASSERT_TRUE(append_line(path, to_json_line(sample(1)), 0, 3).ok());
  auto read = parse_audit(path, test::slurp(path));
  EXPECT_EQ(read.records.size(), 1u);
  EXPECT_EQ(read.warnings.size(), 1u);
  EXPECT_EQ(test::slurp(path).rfind("{\"time\":\"torn\n", 0), 0u) << "the torn line is kept, not truncated";
}

TEST(Audit, RotatesBySizeKeepingN) {
  std::string dir = test::make_temp_dir();
  std::string path = dir + "/audit.jsonl";
  std::string line = to_json_line(sample(1));
  const std::uint64_t max = line.size() * 3;
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(append_line(path, to_json_line(sample(i)), max, 2).ok());
  struct stat st{};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_LE(static_cast<std::uint64_t>(st.st_size), max);
  EXPECT_EQ(::stat((path + ".1").c_str(), &st), 0);
  EXPECT_EQ(::stat((path + ".2").c_str(), &st), 0);
  EXPECT_NE(::stat((path + ".3").c_str(), &st), 0) << "keep: 2 keeps two rotated files";
  // Nothing lost within what was kept: the newest records are in order.
  auto current = parse_audit(path, test::slurp(path));
  ASSERT_FALSE(current.records.empty());
  EXPECT_EQ(current.records.back().exit_code, 19);
  EXPECT_TRUE(current.warnings.empty());
}

TEST(Audit, ConcurrentAppendsNeverInterleave) {
  std::string dir = test::make_temp_dir();
  std::string path = dir + "/audit.jsonl";
  constexpr int k_procs = 6, k_lines = 60;
  std::vector<pid_t> pids;
  for (int p = 0; p < k_procs; ++p) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      AuditRecord r = sample(p);
      r.command = std::string(5000 + p, 'a' + static_cast<char>(p));  // longer than PIPE_BUF
      for (int i = 0; i < k_lines; ++i) {
        if (!append_line(path, to_json_line(r), 0, 3).ok()) ::_exit(1);
      }
      ::_exit(0);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  auto read = parse_audit(path, test::slurp(path));
  EXPECT_TRUE(read.warnings.empty()) << read.warnings.front();
  EXPECT_EQ(read.records.size(), static_cast<std::size_t>(k_procs * k_lines));
  for (const auto& r : read.records) {
    EXPECT_EQ(r.command, std::string(5000 + r.exit_code, 'a' + static_cast<char>(r.exit_code)));
  }
}

}  // namespace
}  // namespace vg::router
