// End-to-end: trust entries, a corrupt trust file, the audit log under 8
// concurrent vg processes, a corrupt audit log, and `vg log`.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "config/exit_codes.hpp"
#include "router/audit.hpp"
#include "tests/router/harness.hpp"

namespace vg::router::e2e {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::vector<std::string> files_starting(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& f : fs::directory_iterator(dir)) {
    if (f.path().filename().string().rfind(prefix, 0) == 0) out.push_back(f.path().string());
  }
  return out;
}

std::string auto_mock(const Home& home) {
  // The result cache is not under test here: off, so every run reaches the launcher.
  return "sandbox:\n  mode: auto\n  runtime: mock\n  enable_cache: false\nmock:\n  record_path: " +
         home.mock_record() + "\n";
}

TEST(Trust, AnEntryRoutesTheExactResolvedCommandToTheHost) {
  Home home;
  home.fake_program("redis-cli");
  home.config(auto_mock(home));
  auto before = vg(home, {"exec", "--", "redis-cli", "FLUSHALL"});
  EXPECT_EQ(before.exit_code, 0) << before.err;
  EXPECT_FALSE(home.fake_ran("redis-cli")) << "high goes to the sandbox without trust";

  auto add = vg(home, {"trust", "add", "redis-cli FLUSHALL", "--note", "local dev redis"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  std::string id = add.out.substr(0, 8);
  auto ls = vg(home, {"trust", "ls", "--json"});
  EXPECT_TRUE(contains(ls.out, "\"id\":\"" + id + "\"")) << ls.out;
  EXPECT_TRUE(contains(ls.out, "\"executable\":\"" + home.path() + "/fakebin/redis-cli\"")) << ls.out;

  auto trusted = vg(home, {"exec", "--", "redis-cli", "FLUSHALL"});
  EXPECT_EQ(trusted.exit_code, 0) << trusted.err;
  EXPECT_TRUE(home.fake_ran("redis-cli")) << "trusted: ran on the host";
  auto read = parse_audit(home.audit_log(), home.read("state/vg/audit.jsonl"));
  ASSERT_FALSE(read.records.empty());
  EXPECT_TRUE(read.records.back().trusted);
  EXPECT_EQ(read.records.back().route, "host");
  fs::remove(home.path() + "/fakebin/redis-cli.ran");

  // Other arguments, or a program of the same name elsewhere, do not match.
  EXPECT_EQ(vg(home, {"exec", "--", "redis-cli", "FLUSHALL", "ASYNC"}).exit_code, 0);
  EXPECT_FALSE(home.fake_ran("redis-cli"));
  std::string local = home.write("work/redis-cli", "#!/bin/sh\ntouch LOCAL_RAN\n");
  ::chmod(local.c_str(), 0755);
  EXPECT_EQ(vg(home, {"exec", "--", "./redis-cli", "FLUSHALL"}).exit_code, 0);
  EXPECT_FALSE(home.exists("work/LOCAL_RAN")) << "./redis-cli is not the trusted program";

  auto rm = vg(home, {"trust", "rm", id});
  EXPECT_EQ(rm.exit_code, 0) << rm.err;
  EXPECT_EQ(vg(home, {"exec", "--", "redis-cli", "FLUSHALL"}).exit_code, 0);
  EXPECT_FALSE(home.fake_ran("redis-cli")) << "removed: back to the sandbox";
  EXPECT_EQ(vg(home, {"trust", "rm", id}).exit_code, 1) << "nothing left to remove";
}

TEST(Trust, NeverLiftsACriticalRefusalAndExpires) {
  Home home;
  home.fake_program("mkfs.ext4");
  home.fake_program("redis-cli");
  home.config(auto_mock(home));
  ASSERT_EQ(vg(home, {"trust", "add", "mkfs.ext4 /dev/vg-e2e-none"}).exit_code, 0);
  auto critical = vg(home, {"exec", "--", "mkfs.ext4", "/dev/vg-e2e-none"});
  EXPECT_EQ(critical.exit_code, exit_code::k_refused) << critical.err;
  EXPECT_FALSE(home.fake_ran("mkfs.ext4"));

  ASSERT_EQ(vg(home, {"trust", "add", "redis-cli FLUSHALL", "--for", "1s"}).exit_code, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_EQ(vg(home, {"exec", "--", "redis-cli", "FLUSHALL"}).exit_code, 0);
  EXPECT_FALSE(home.fake_ran("redis-cli")) << "an expired entry does not apply";
  EXPECT_TRUE(contains(vg(home, {"trust", "ls"}).out, "(expired)"));
  EXPECT_EQ(vg(home, {"trust", "add", "x", "--for", "soon"}).exit_code, exit_code::k_usage);
  EXPECT_EQ(vg(home, {"trust", "add", "redis-cli $(id)"}).exit_code, exit_code::k_usage);
}

TEST(Trust, ACorruptTrustFileIsMovedAsideAndVgKeepsProtecting) {
  Home home;
  home.fake_program("redis-cli");
  home.config(auto_mock(home));
  ASSERT_EQ(vg(home, {"trust", "add", "redis-cli FLUSHALL"}).exit_code, 0);
  std::string path = home.state() + "/trust.json";
  std::string damaged = home.read("state/vg/trust.json");
  damaged.resize(damaged.size() / 2);
  home.write("state/vg/trust.json", damaged);
  ::chmod(path.c_str(), 0600);

  auto r = vg(home, {"exec", "--", "redis-cli", "FLUSHALL"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "corrupt")) << r.err;
  EXPECT_FALSE(home.fake_ran("redis-cli")) << "no trust applies: the sandbox ran it";
  EXPECT_FALSE(fs::exists(path)) << "moved aside";
  auto aside = files_starting(home.state(), "trust.json.corrupt-");
  ASSERT_EQ(aside.size(), 1u);
  EXPECT_EQ(home.read("state/vg/" + fs::path(aside[0]).filename().string()), damaged) << "kept intact";
  // And the next `trust add` starts a fresh file without touching the copy.
  EXPECT_EQ(vg(home, {"trust", "add", "redis-cli FLUSHALL"}).exit_code, 0);
  EXPECT_EQ(files_starting(home.state(), "trust.json.corrupt-").size(), 1u);
}

TEST(Audit, EightConcurrentProcessesFiftyCommandsEachGiveOneWholeLineEach) {
  Home home;
  home.config(auto_mock(home) + "audit:\n  max_size: 100MiB\n");
  constexpr int k_procs = 8, k_commands = 50;
  std::vector<std::thread> threads;
  std::vector<int> failures(k_procs, 0);
  for (int p = 0; p < k_procs; ++p) {
    threads.emplace_back([&, p] {
      for (int i = 0; i < k_commands; ++i) {
        // Sandbox route (mock): nothing runs, the exit code comes back.
        auto r = vg(home, {"exec", "--sandbox", "--", "echo", "proc-" + std::to_string(p), "cmd-" + std::to_string(i)});
        if (r.exit_code != 0) ++failures[p];
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int p = 0; p < k_procs; ++p) EXPECT_EQ(failures[p], 0) << "process " << p;
  std::string text = home.read("state/vg/audit.jsonl");
  auto read = parse_audit(home.audit_log(), text);
  EXPECT_TRUE(read.warnings.empty()) << read.warnings.front();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), k_procs * k_commands);
  ASSERT_EQ(read.records.size(), static_cast<std::size_t>(k_procs * k_commands));
  std::set<std::string> commands;
  for (const auto& r : read.records) {
    commands.insert(r.command);
    EXPECT_EQ(r.route, "sandbox");
    EXPECT_EQ(r.user.empty(), false);
    EXPECT_EQ(r.time.size(), 24u) << r.time;
  }
  EXPECT_EQ(commands.size(), static_cast<std::size_t>(k_procs * k_commands)) << "one line per command";
  EXPECT_TRUE(commands.count("echo proc-7 cmd-49"));
}

TEST(Audit, RotationUnderConcurrencyLosesNoLine) {
  Home home;
  home.config(auto_mock(home) + "audit:\n  max_size: 4KiB\n  keep: 100\n");
  constexpr int k_procs = 4, k_commands = 25;
  std::vector<std::thread> threads;
  for (int p = 0; p < k_procs; ++p) {
    threads.emplace_back([&, p] {
      for (int i = 0; i < k_commands; ++i) vg(home, {"exec", "--sandbox", "--", "echo", std::to_string(p * 100 + i)});
    });
  }
  for (auto& t : threads) t.join();
  std::size_t total = 0;
  for (const auto& f : files_starting(home.state(), "audit.jsonl")) {
    if (f.size() >= 5 && f.substr(f.size() - 5) == ".lock") continue;
    auto read = parse_audit(f, home.read("state/vg/" + fs::path(f).filename().string()));
    EXPECT_TRUE(read.warnings.empty()) << read.warnings.front();
    total += read.records.size();
    EXPECT_LE(fs::file_size(f), 4096u) << f;
  }
  EXPECT_EQ(total, static_cast<std::size_t>(k_procs * k_commands));
  EXPECT_TRUE(fs::exists(home.audit_log() + ".1")) << "it did rotate";
}

TEST(Audit, ACorruptLogIsReportedAndWorkedAroundNeverTruncated) {
  Home home;
  home.config(auto_mock(home));
  home.write("state/vg/audit.jsonl", "this is not json\n{\"time\":\"half a line");
  EXPECT_EQ(vg(home, {"exec", "--sandbox", "--", "echo", "one"}).exit_code, 0);
  EXPECT_EQ(vg(home, {"exec", "--sandbox", "--", "echo", "two"}).exit_code, 0);
  std::string text = home.read("state/vg/audit.jsonl");
  EXPECT_EQ(text.rfind("this is not json\n{\"time\":\"half a line\n", 0), 0u) << "bad lines kept as they were";
  auto log = vg(home, {"log", "--json"});
  EXPECT_EQ(log.exit_code, 0) << log.err;
  EXPECT_TRUE(contains(log.err, "audit.jsonl:1:")) << log.err;
  EXPECT_TRUE(contains(log.err, "audit.jsonl:2:")) << log.err;
  EXPECT_EQ(std::count(log.out.begin(), log.out.end(), '\n'), 2) << log.out;
  EXPECT_TRUE(contains(log.out, "\"command\":\"echo one\"")) << log.out;
  EXPECT_TRUE(contains(log.out, "\"command\":\"echo two\"")) << log.out;
}

TEST(Log, TableFiltersAndColour) {
  Home home;
  home.fake_program("redis-cli");
  home.config(auto_mock(home));
  EXPECT_EQ(vg(home, {"exec", "--", "true"}).exit_code, 0);
  EXPECT_EQ(vg(home, {"exec", "--", "redis-cli", "FLUSHALL"}).exit_code, 0);
  auto table = vg(home, {"log"});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(contains(table.out, "ROUTE")) << table.out;
  EXPECT_TRUE(contains(table.out, "redis-cli FLUSHALL")) << table.out;
  EXPECT_FALSE(contains(table.out, "\033[")) << "no colour when piped";
  auto high = vg(home, {"log", "--level", "high"});
  EXPECT_TRUE(contains(high.out, "redis-cli")) << high.out;
  EXPECT_FALSE(contains(high.out, " true")) << high.out;
  auto last = vg(home, {"log", "-n", "1", "--json"});
  EXPECT_EQ(std::count(last.out.begin(), last.out.end(), '\n'), 1) << last.out;
  EXPECT_EQ(vg(home, {"log", "--level", "severe"}).exit_code, exit_code::k_usage);
  {
    PtySession s(home, {"log"}, {{"TERM", "xterm"}});
    EXPECT_EQ(s.wait(), 0);
    EXPECT_TRUE(contains(s.output(), "\033[")) << "colour on a terminal: " << s.output();
  }
  {
    PtySession s(home, {"log"}, {{"TERM", "xterm"}, {"NO_COLOR", "1"}});
    EXPECT_EQ(s.wait(), 0);
    EXPECT_TRUE(contains(s.output(), "ROUTE"));
    EXPECT_FALSE(contains(s.output(), "\033[")) << "NO_COLOR: " << s.output();
  }
}

}  // namespace
}  // namespace vg::router::e2e
