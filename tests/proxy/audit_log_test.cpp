// The proxy's audit records (vg/proxy_audit) written by several processes at
// once, as concurrent `vg exec` runs do: every line stays whole and parses,
// none is lost, and rotation under contention loses nothing either; one run
// cannot flood the log past its record limit.

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>

#include "harness.hpp"
#include "router/audit.hpp"
#include "router/json_read.hpp"
#include "vg/proxy_audit.hpp"

namespace vg::proxy_test {
namespace {

using sandbox::proxy::ConnectionEvent;

constexpr int k_writers = 4;
constexpr int k_events = 150;

ConnectionEvent event_for(int writer, int i) {
  ConnectionEvent e;
  e.verdict = i % 2 ? ConnectionEvent::Verdict::refused : ConnectionEvent::Verdict::allowed;
  e.id = static_cast<std::uint64_t>(i + 1);
  e.method = i % 3 ? "CONNECT" : "GET";
  e.host = "w" + std::to_string(writer) + "-" + std::to_string(i) + ".example";
  e.port = 443;
  e.status = i % 2 ? 403 : 200;
  // Long lines: a write that is not under the lock would tear visibly.
  e.reason = std::string(2000, static_cast<char>('a' + writer)) + " \"quoted\"\n";
  return e;
}

// Fork `k_writers` processes that each log `k_events` events to `path`.
void write_concurrently(const std::string& path, std::uint64_t max_size) {
  config::Config c;
  c.audit.path = path;
  c.audit.max_size = max_size;
  c.audit.keep = 50;
  c.sandbox.network.mode = config::NetworkMode::restricted;
  std::vector<pid_t> children;
  for (int w = 0; w < k_writers; ++w) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto observe = network_audit_observer(c, {"cmd " + std::to_string(w), 1700000000000 + w, config::Level::medium,
                                                "namespace"});
      if (!observe) ::_exit(3);
      for (int i = 0; i < k_events; ++i) observe(event_for(w, i));
      ::_exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
}

// Check every line of `files`; return how many records each writer left.
std::map<std::string, int> check_lines(const std::vector<std::string>& files) {
  std::map<std::string, int> per_command;
  for (const auto& f : files) {
    std::ifstream in(f);
    std::string line;
    while (std::getline(in, line)) {
      auto j = router::parse_json(line);
      EXPECT_TRUE(j.ok()) << f << ": torn or invalid line: " << line.substr(0, 200);
      if (!j.ok()) continue;
      EXPECT_EQ(j->get_string("event"), "network");
      EXPECT_TRUE(router::parse_audit_line(line).ok()) << "vg log would skip: " << line.substr(0, 200);
      std::string host = j->get_string("host");
      std::string command = j->get_string("command");
      EXPECT_EQ(host.rfind("w" + command.substr(4) + "-", 0), 0u) << host << " under " << command;
      EXPECT_EQ(j->get_string("reason").size(), 2000u + 10u);
      ++per_command[command];
    }
  }
  return per_command;
}

TEST(ProxyAuditLog, ConcurrentWritersLeaveWholeLines) {
  TempDir dir;
  std::string path = dir.path() + "/audit.jsonl";
  write_concurrently(path, 0);
  auto counts = check_lines({path});
  ASSERT_EQ(counts.size(), static_cast<std::size_t>(k_writers));
  for (const auto& [command, n] : counts) EXPECT_EQ(n, k_events) << command;
}

TEST(ProxyAuditLog, RotationUnderContentionLosesNothing) {
  TempDir dir;
  std::string path = dir.path() + "/audit.jsonl";
  // About 2.5 KB a line: the file rotates every ~25 lines, ~24 times in all.
  write_concurrently(path, 64 * 1024);
  std::vector<std::string> files{path};
  for (int i = 1; i <= 50; ++i) {
    std::string f = path + "." + std::to_string(i);
    if (::access(f.c_str(), F_OK) == 0) files.push_back(f);
  }
  EXPECT_GT(files.size(), 10u);
  auto counts = check_lines(files);
  ASSERT_EQ(counts.size(), static_cast<std::size_t>(k_writers));
  for (const auto& [command, n] : counts) EXPECT_EQ(n, k_events) << command;
}

TEST(ProxyAuditLog, AFloodOfConnectionsCannotRotateTheLogAway) {
  TempDir dir;
  config::Config c;
  c.audit.path = dir.path() + "/audit.jsonl";
  c.sandbox.network.mode = config::NetworkMode::restricted;
  auto observe = network_audit_observer(c, {"flood", 1700000000000, config::Level::high, "namespace"}, 5);
  ASSERT_TRUE(observe);
  for (int i = 0; i < 40; ++i) observe(event_for(0, i));
  std::ifstream in(c.audit.path);
  std::vector<router::Json> lines;
  std::string line;
  while (std::getline(in, line)) {
    auto j = router::parse_json(line);
    ASSERT_TRUE(j.ok()) << line;
    lines.push_back(std::move(*j));
  }
  ASSERT_EQ(lines.size(), 6u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(lines[static_cast<std::size_t>(i)].get_string("host"), event_for(0, i).host);
  EXPECT_EQ(lines[5].get_string("verdict"), "unlogged");
  EXPECT_NE(lines[5].get_string("reason").find("more than 5 connections"), std::string::npos);
  EXPECT_EQ(lines[5].get_string("run_started"), lines[0].get_string("run_started"));
}

TEST(ProxyAuditLog, NoObserverUnlessTheNetworkIsRestricted) {
  config::Config c;
  c.sandbox.network.mode = config::NetworkMode::none;
  EXPECT_FALSE(network_audit_observer(c, {}));
  c.sandbox.network.mode = config::NetworkMode::restricted;
  EXPECT_TRUE(network_audit_observer(c, {}));
}

}  // namespace
}  // namespace vg::proxy_test
