// An allow-listed service on the host's loopback, as the user wrote it
// ("127.0.0.1:PORT"), is reachable from the sandbox at that address and
// port: the bridge listens there inside and carries each connection through
// the proxy (CONNECT), so curl and Python's urllib with their default
// environment, and a client that knows nothing of proxies, all reach it. A
// loopback port the list does not name stays unreachable, though a real
// server listens there too, and the sandbox's own loopback stays its own.

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "harness.hpp"
#include "run.hpp"

namespace vg::proxy_test {
namespace {

constexpr int k_sandbox_unavailable = 69;

class LoopbackAllowed : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* bin = std::getenv("VG_BIN");
    ASSERT_NE(bin, nullptr) << "VG_BIN must name the vg binary (ctest sets it)";
    vg = bin;
    workspace = dir.path() + "/ws";
    ::mkdir(workspace.c_str(), 0755);
    ::mkdir((workspace + "/.git").c_str(), 0755);
    ::mkdir((dir.path() + "/home").c_str(), 0755);
    config = dir.path() + "/config.yaml";
    std::ofstream(config) << "sandbox:\n"
                             "  runtime: namespace\n"
                             "  enable_cache: false\n"
                             "  network:\n"
                             "    mode: restricted\n"
                             "    allowed_hosts: [\"127.0.0.1:" << allowed.port() << "\"]\n";
  }

  // Run `script` with bash in the sandbox, in the environment vg gives it.
  Ran sandboxed(const std::string& script) {
    return run_process({vg, "exec", "--sandbox", "--", "/bin/bash", "-c", script},
                       {"VG_CONFIG=" + config, "HOME=" + dir.path() + "/home", "PATH=/usr/bin:/bin",
                        "XDG_CONFIG_HOME=" + dir.path() + "/xdg-config", "XDG_STATE_HOME=" + dir.path() + "/state",
                        "XDG_CACHE_HOME=" + dir.path() + "/cache", "PWD=" + workspace},
                       workspace, 120);
  }

  bool unavailable(const Ran& r) {
    if (r.exit_code != k_sandbox_unavailable) return false;
    const char* ci = std::getenv("CI");
    if (ci && std::string(ci) == "true") ADD_FAILURE() << "the namespace sandbox is required under CI: " << r.err;
    return true;
  }

  TempDir dir;
  TestServer allowed{TestServer::Kind::http, "127.0.0.1"};
  TestServer other{TestServer::Kind::http, "127.0.0.1"};  // listening, never allow-listed
  std::string vg, workspace, config;
};

TEST_F(LoopbackAllowed, CurlReachesTheAllowListedPortAsWritten) {
  Ran r = sandboxed("curl -sS http://127.0.0.1:" + std::to_string(allowed.port()) + "/curl; echo \"curl=$?\"");
  if (unavailable(r)) GTEST_SKIP() << r.err;
  EXPECT_NE(r.out.find("hello from 127.0.0.1: GET /curl HTTP/1.1"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("curl=0"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(allowed.accepts(), 1);
}

TEST_F(LoopbackAllowed, PythonUrllibReachesTheAllowListedPortAsWritten) {
  Ran r = sandboxed("python3 -c 'import sys, urllib.request as u; "
                    "sys.stdout.write(u.urlopen(\"http://127.0.0.1:" + std::to_string(allowed.port()) +
                    "/urllib\", timeout=20).read().decode())'; echo \"python=$?\"");
  if (unavailable(r)) GTEST_SKIP() << r.err;
  EXPECT_NE(r.out.find("hello from 127.0.0.1: GET /urllib HTTP/1.1"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("python=0"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(allowed.accepts(), 1);
}

TEST_F(LoopbackAllowed, AClientThatKnowsNoProxyReachesItToo) {
  // A plain socket, as psql or redis-cli would open one: no proxy variable read.
  Ran r = sandboxed("python3 -c 'import socket, sys; s = socket.create_connection((\"127.0.0.1\", " +
                    std::to_string(allowed.port()) + "), timeout=20); "
                    "s.sendall(b\"GET /raw HTTP/1.0\\r\\n\\r\\n\"); sys.stdout.write(s.recv(4096).decode())'; "
                    "echo \"raw=$?\"");
  if (unavailable(r)) GTEST_SKIP() << r.err;
  EXPECT_NE(r.out.find("hello from 127.0.0.1: GET /raw HTTP/1.0"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("raw=0"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(allowed.accepts(), 1);
}

TEST_F(LoopbackAllowed, ALoopbackPortNotOnTheListIsStillRefused) {
  std::string url = "http://127.0.0.1:" + std::to_string(other.port()) + "/not-allowed";
  Ran r = sandboxed("curl -sS " + url + "; echo \"direct=$?\"; "
                    "python3 -c 'import urllib.request as u; u.urlopen(\"" + url + "\", timeout=20)' 2>&1 | tail -1; "
                    "curl -sS -o /dev/null -w 'proxy status %{http_code}\\n' --noproxy '' -x \"$HTTP_PROXY\" " + url);
  if (unavailable(r)) GTEST_SKIP() << r.err;
  // Directly there is only the sandbox's own loopback, where nothing listens.
  EXPECT_NE(r.out.find("direct=7"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("Connection refused"), std::string::npos) << r.out << r.err;
  // Through the proxy: refused by the list.
  EXPECT_NE(r.out.find("proxy status 403"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.err.find("refused GET 127.0.0.1:" + std::to_string(other.port())), std::string::npos) << r.err;
  EXPECT_EQ(other.accepts(), 0) << "the host's service on a port not allow-listed was reached";
}

TEST_F(LoopbackAllowed, TheSandboxsOwnLoopbackStaysItsOwn) {
  // A server the command starts is reached directly, by any loopback name.
  Ran r = sandboxed("echo \"no_proxy=$NO_PROXY\"; python3 -m http.server 18799 --bind 127.0.0.1 >/dev/null 2>&1 & "
                    "for i in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:18799/ && break; sleep 0.1; done; "
                    "curl -sS -o /dev/null -w 'own %{http_code}\\n' http://127.0.0.1:18799/; "
                    "curl -sS -o /dev/null -w 'own by name %{http_code}\\n' http://localhost:18799/; kill $!");
  if (unavailable(r)) GTEST_SKIP() << r.err;
  EXPECT_NE(r.out.find("no_proxy=localhost,127.0.0.1,::1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("own 200"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("own by name 200"), std::string::npos) << r.out << r.err;
}

}  // namespace
}  // namespace vg::proxy_test
