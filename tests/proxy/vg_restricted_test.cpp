// `vg exec` with sandbox.network.mode: restricted, end to end: the command in
// the namespace sandbox reaches an allowed host only through the proxy (plain
// HTTP and CONNECT, with curl), gets 403 for anything else, and has no route
// around the proxy.

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "harness.hpp"
#include "router/json_read.hpp"
#include "run.hpp"

namespace vg::proxy_test {
namespace {

constexpr int k_sandbox_unavailable = 69;

bool under_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

class VgRestricted : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* bin = std::getenv("VG_BIN");
    ASSERT_NE(bin, nullptr) << "VG_BIN must name the vg binary (ctest sets it)";
    vg = bin;
    workspace = dir.path() + "/ws";
    ::mkdir(workspace.c_str(), 0755);
    ::mkdir((dir.path() + "/home").c_str(), 0755);
    config = dir.path() + "/config.yaml";
    // `localhost` resolves (through /etc/hosts) to loopback addresses, which
    // must be allow-listed by address as well.
    std::ofstream(config) << "sandbox:\n"
                             "  runtime: namespace\n"
                             "  enable_cache: false\n"
                             "  network:\n"
                             "    mode: restricted\n"
                             "    allowed_hosts: [localhost, 127.0.0.1, \"[::1]\"]\n"
                             "    blocked_hosts: [blocked.example]\n";
  }

  // Run `script` with bash in the sandbox.
  Ran sandboxed(const std::string& script) {
    return run_process({vg, "exec", "--sandbox", "--", "/bin/bash", "-c", script},
                       {"VG_CONFIG=" + config, "HOME=" + dir.path() + "/home",
                        "XDG_CONFIG_HOME=" + dir.path() + "/xdg-config", "XDG_STATE_HOME=" + dir.path() + "/state",
                        "XDG_CACHE_HOME=" + dir.path() + "/cache", "VG_AUDIT_LOG=" + dir.path() + "/audit.jsonl",
                        "PWD=" + workspace},
                       workspace, 120);
  }

  // Skip (or fail under CI) when this machine cannot run the namespace sandbox.
  bool unavailable(const Ran& r) {
    if (r.exit_code != k_sandbox_unavailable) return false;
    if (under_ci()) {
      ADD_FAILURE() << "the namespace sandbox is required under CI: " << r.err;
    }
    return true;
  }

  // Return the audit log's records, each parsed (a line that is not JSON fails the test).
  std::vector<router::Json> audit_records() {
    std::ifstream in(dir.path() + "/audit.jsonl");
    std::vector<router::Json> out;
    std::string line;
    while (std::getline(in, line)) {
      auto j = router::parse_json(line);
      EXPECT_TRUE(j.ok()) << line;
      if (j.ok()) out.push_back(std::move(*j));
    }
    return out;
  }

  TempDir dir;
  std::string vg, workspace, config;
};

// The network record of `records` for `host` (nullptr when there is none).
const router::Json* network_record(const std::vector<router::Json>& records, const std::string& host) {
  for (const auto& r : records) {
    if (r.get_string("event") == "network" && r.get_string("host") == host) return &r;
  }
  return nullptr;
}

int number(const router::Json& r, const char* key) {
  const router::Json* v = r.get(key);
  return v && v->is_number() ? static_cast<int>(v->number) : -1;
}

TEST_F(VgRestricted, TheBridgeCannotBeTakenOverByTheCommand) {
  // The bridge runs beside the command, as its uid: writing its memory
  // through /proc/PID/mem would run code outside the seccomp filter.
  Ran r = sandboxed(
      "for p in /proc/[0-9]*; do [ \"$(cat $p/comm)\" = vg-net-bridge ] && b=$p; done; "
      "echo bridge=$b; grep Seccomp: $b/status; "
      "if exec 3<>$b/mem; then echo OPENED; else echo denied; fi");
  if (unavailable(r)) GTEST_SKIP() << "no namespace sandbox here";
  EXPECT_NE(r.out.find("bridge=/proc/"), std::string::npos) << "the attempt was not made: " << r.out << r.err;
  EXPECT_NE(r.out.find("denied"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.out.find("OPENED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Seccomp:\t2"), std::string::npos) << "the bridge runs without the filter: " << r.out;
}

TEST_F(VgRestricted, ProxyEnvironmentIsSet) {
  Ran r = sandboxed("env | grep -iE '^(https?_proxy|no_proxy|npm_config_|pip_proxy|git_config_)' | sort");
  if (unavailable(r)) GTEST_SKIP() << r.err;
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* kv : {"HTTP_PROXY=http://127.0.0.1:3128", "HTTPS_PROXY=http://127.0.0.1:3128",
                         "http_proxy=http://127.0.0.1:3128",
                         // This config allow-lists every loopback host: each is the host's, through the proxy.
                         "NO_PROXY=\n",
                         "npm_config_https_proxy=http://127.0.0.1:3128", "PIP_PROXY=http://127.0.0.1:3128",
                         "GIT_CONFIG_KEY_0=http.proxy", "GIT_CONFIG_VALUE_0=http://127.0.0.1:3128"}) {
    EXPECT_NE(r.out.find(kv), std::string::npos) << kv << "\n" << r.out;
  }
}

TEST_F(VgRestricted, AllowedHostIsReachedThroughTheProxy) {
  TestServer http{TestServer::Kind::http, "127.0.0.1"};
  std::string hp = std::to_string(http.port());
  // curl ignores proxies for NO_PROXY names; --noproxy '' makes it use one
  // here. --proxytunnel sends the second request through CONNECT.
  std::string script = "curl -sS --noproxy '' -x \"$HTTP_PROXY\" http://localhost:" + hp +
                       "/plain; echo \"plain=$?\"; curl -sS --proxytunnel --noproxy '' -x \"$HTTPS_PROXY\" "
                       "http://localhost:" + hp + "/tunnelled; echo \"tunnel=$?\"";
  Ran r = sandboxed(script);
  if (unavailable(r)) GTEST_SKIP() << r.err;
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("hello from 127.0.0.1: GET /plain HTTP/1.1"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("hello from 127.0.0.1: GET /tunnelled HTTP/1.1"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("plain=0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tunnel=0"), std::string::npos) << r.out;
  EXPECT_EQ(http.accepts(), 2);
}

TEST_F(VgRestricted, OtherHostsAreRefusedWith403AndAStderrLine) {
  std::string script =
      "curl -s -o /dev/null -w 'http=%{http_code}\\n' http://not-allowed.example/; "
      "curl -s -o /dev/null https://blocked.example/; echo \"https=$?\"";
  Ran r = sandboxed(script);
  if (unavailable(r)) GTEST_SKIP() << r.err;
  EXPECT_NE(r.out.find("http=403"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("https=56"), std::string::npos) << r.out;  // curl: CONNECT answered with an error
  EXPECT_NE(r.err.find("vg: network: refused GET not-allowed.example:80: not in allowed_hosts"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("vg: network: refused CONNECT blocked.example:443: matches blocked_hosts entry"),
            std::string::npos)
      << r.err;
}

TEST_F(VgRestricted, DirectConnectionsHaveNoRouteAndVgSaysWhy) {
  TestServer echo{TestServer::Kind::echo, "127.0.0.1"};
  // Around the proxy: the host's loopback is not the sandbox's, and there is
  // no route anywhere else (192.0.2.1 is a documentation address).
  std::string script = "curl -sS --noproxy '*' http://127.0.0.1:" + std::to_string(echo.port()) +
                       "/; echo \"loopback=$?\"; "
                       "curl -sS --noproxy '*' --connect-timeout 5 http://192.0.2.1/; echo \"outside=$?\"; exit 7";
  Ran r = sandboxed(script);
  if (unavailable(r)) GTEST_SKIP() << r.err;
  EXPECT_EQ(r.exit_code, 7) << r.err;
  EXPECT_NE(r.out.find("loopback=7"), std::string::npos) << r.out << r.err;  // curl: couldn't connect
  EXPECT_NE(r.out.find("outside=7"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(echo.accepts(), 0);
  // One attempt had no route (192.0.2.1); the host's loopback port was merely closed.
  EXPECT_NE(r.err.find("vg: note: 1 connection attempt went around the proxy and had no route: "), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("a program that ignores those variables needs its own proxy option"), std::string::npos)
      << r.err;
}

TEST_F(VgRestricted, TheHintFollowsDirectAttemptsNotTheExitCode) {
  // Succeeds after trying around the proxy (IPv4 and IPv6): the hint, and an audit record.
  Ran around = sandboxed("curl -sS --noproxy '*' --connect-timeout 5 http://192.0.2.1/; "
                         "curl -sS --noproxy '*' --connect-timeout 5 'http://[2001:db8::1]/'; exit 0");
  if (unavailable(around)) GTEST_SKIP() << around.err;
  EXPECT_EQ(around.exit_code, 0) << around.err;
  EXPECT_NE(around.err.find("vg: note: 2 connection attempts went around the proxy and had no route"),
            std::string::npos)
      << around.err;
  const router::Json* direct = nullptr;
  auto records = audit_records();
  for (const auto& rec : records) {
    if (rec.get_string("method") == "DIRECT") direct = &rec;
  }
  ASSERT_NE(direct, nullptr) << around.err;
  EXPECT_EQ(direct->get_string("verdict"), "refused");
  EXPECT_EQ(direct->get_string("reason"), "2 connection attempts went around the proxy and had no route out of the sandbox");

  // Fails without going around the proxy: no hint.
  Ran failing = sandboxed("exit 3");
  EXPECT_EQ(failing.exit_code, 3) << failing.err;
  EXPECT_EQ(failing.err.find("went around the proxy"), std::string::npos) << failing.err;
  EXPECT_EQ(failing.err.find("sandbox.network.mode: restricted"), std::string::npos) << failing.err;
}

TEST_F(VgRestricted, EveryConnectionIsAnAuditRecordOfItsRun) {
  TestServer http{TestServer::Kind::http, "127.0.0.1"};
  std::string hp = std::to_string(http.port());
  std::string script = "curl -s -o /dev/null --noproxy '' -x \"$HTTP_PROXY\" http://localhost:" + hp + "/a; "
                       "curl -s -o /dev/null http://not-allowed.example/; "
                       "curl -s -o /dev/null https://blocked.example:8443/; "
                       "curl -s -o /dev/null http://10.9.8.7/; true";
  Ran r = sandboxed(script);
  if (unavailable(r)) GTEST_SKIP() << r.err;
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(http.accepts(), 1) << r.err;
  auto records = audit_records();

  // The run's own command record: its "time" is what the network records name.
  const router::Json* command = nullptr;
  for (const auto& rec : records) {
    if (rec.get_string("route") == "sandbox") command = &rec;
  }
  ASSERT_NE(command, nullptr) << r.err;
  const std::string run_started = command->get_string("time");
  ASSERT_FALSE(run_started.empty());

  struct Want {
    const char* host;
    const char* verdict;
    const char* method;
    int port;
    int status;
    const char* reason;
  } wants[] = {
      {"localhost", "allowed", "GET", http.port(), 0, "allowed"},
      {"not-allowed.example", "refused", "GET", 80, 403, "not in allowed_hosts"},
      {"blocked.example", "refused", "CONNECT", 8443, 403, "matches blocked_hosts entry 'blocked.example'"},
      {"10.9.8.7", "refused", "GET", 80, 403, "raw IP address not allow-listed"},
  };
  for (const auto& w : wants) {
    const router::Json* rec = network_record(records, w.host);
    ASSERT_NE(rec, nullptr) << "no audit record for " << w.host << "\n" << r.err;
    EXPECT_EQ(rec->get_string("verdict"), w.verdict) << w.host;
    EXPECT_EQ(rec->get_string("method"), w.method) << w.host;
    EXPECT_EQ(number(*rec, "port"), w.port) << w.host;
    EXPECT_EQ(number(*rec, "status"), w.status) << w.host;
    EXPECT_EQ(rec->get_string("reason").rfind(w.reason, 0), 0u) << w.host << ": " << rec->get_string("reason");
    EXPECT_EQ(rec->get_string("run_started"), run_started) << w.host;
    EXPECT_EQ(rec->get_string("command"), command->get_string("command")) << w.host;
    EXPECT_EQ(rec->get_string("route"), "network") << w.host;
    EXPECT_EQ(rec->get_string("time").size(), std::string("2026-11-22T07:09:43.123Z").size()) << w.host;
    EXPECT_GE(rec->get_string("time"), run_started) << w.host;
  }
  const router::Json* allowed = network_record(records, "localhost");
  ASSERT_NE(allowed, nullptr);
  EXPECT_EQ(allowed->get_string("address"), "127.0.0.1");
  // Exactly one record per connection: four network records, one command record.
  EXPECT_EQ(records.size(), 5u);

  // `vg log` reads network records as records (no "skipped" warnings).
  Ran log = run_process({vg, "log", "-n", "0"}, {"VG_CONFIG=" + config, "VG_AUDIT_LOG=" + dir.path() + "/audit.jsonl",
                                                 "HOME=" + dir.path() + "/home"},
                        workspace, 30);
  EXPECT_EQ(log.exit_code, 0) << log.err;
  EXPECT_EQ(log.err.find("not a valid audit record"), std::string::npos) << log.err;
  EXPECT_NE(log.out.find("network"), std::string::npos) << log.out;
  // ... and shows what each connection was, not only the command.
  EXPECT_NE(log.out.find("refused CONNECT blocked.example:8443 (matches blocked_hosts"), std::string::npos) << log.out;
  EXPECT_NE(log.out.find("refused GET not-allowed.example:80 (not in allowed_hosts"), std::string::npos) << log.out;
  EXPECT_NE(log.out.find("allowed GET localhost:"), std::string::npos) << log.out;
}

}  // namespace
}  // namespace vg::proxy_test
