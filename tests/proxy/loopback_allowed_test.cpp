// An allow-listed service on the host's loopback, as the user wrote it
// ("127.0.0.1:PORT"), is reachable from the sandbox by standard clients
// through their default environment (curl, Python's urllib): vg leaves that
// host out of NO_PROXY, so they go through the proxy, which connects to the
// host's loopback. A loopback port the list does not name stays refused,
// though a real server listens there too.

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

TEST_F(LoopbackAllowed, ALoopbackPortNotOnTheListIsStillRefused) {
  std::string url = "http://127.0.0.1:" + std::to_string(other.port()) + "/not-allowed";
  Ran r = sandboxed("curl -sS -o /dev/null -w 'curl status %{http_code}\\n' " + url + "; echo \"curl=$?\"; "
                    "python3 -c 'import urllib.request as u; u.urlopen(\"" + url + "\", timeout=20)' 2>&1 | tail -1; "
                    "curl -sS --noproxy '*' " + url + "; echo \"direct=$?\"");
  if (unavailable(r)) GTEST_SKIP() << r.err;
  EXPECT_NE(r.out.find("curl status 403"), std::string::npos) << "the proxy must refuse it: " << r.out << r.err;
  EXPECT_NE(r.out.find("HTTP Error 403"), std::string::npos) << r.out << r.err;
  // Around the proxy there is only the sandbox's own loopback: nothing listens there.
  EXPECT_EQ(r.out.find("direct=0"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.err.find("refused GET 127.0.0.1:" + std::to_string(other.port())), std::string::npos) << r.err;
  EXPECT_EQ(other.accepts(), 0) << "the host's service on a port not allow-listed was reached";
}

TEST_F(LoopbackAllowed, TheSandboxsOwnLocalhostStaysDirect) {
  // Only the host the user named goes through the proxy: a server the
  // command starts is still reached by name, directly.
  Ran r = sandboxed("echo $NO_PROXY; python3 -m http.server 18799 --bind 127.0.0.1 >/dev/null 2>&1 & "
                    "for i in $(seq 50); do curl -s -o /dev/null http://localhost:18799/ && break; sleep 0.1; done; "
                    "curl -sS -o /dev/null -w 'own %{http_code}\\n' http://localhost:18799/; kill $!");
  if (unavailable(r)) GTEST_SKIP() << r.err;
  EXPECT_NE(r.out.find("localhost,::1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("own 200"), std::string::npos) << r.out << r.err;
}

}  // namespace
}  // namespace vg::proxy_test
