// The in-sandbox side: a child in its own network namespace (loopback only,
// like the sandboxed command) reaches allowed hosts only through the bridge
// and the proxy, and cannot reach anything directly.

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "harness.hpp"
#include "sandbox/proxy/bridge.hpp"

namespace vg::proxy_test {
namespace {

constexpr int k_cannot_unshare = 77;

bool under_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

std::string connect_line(const std::string& authority) {
  return "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n";
}

// The body of the child: runs inside the new network namespace and reports
// "key=value" lines on `out`.
void child_body(int out, const std::string& socket, std::uint16_t echo_port, std::uint16_t http_port,
                std::uint16_t forbidden_port) {
  auto say = [out](const std::string& line) {
    std::string l = line + "\n";
    [[maybe_unused]] auto n = ::write(out, l.data(), l.size());
  };
  if (::unshare(CLONE_NEWNET) != 0 && ::unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) {
    say(std::string("skip=unshare(CLONE_NEWNET): ") + std::strerror(errno));
    ::_exit(k_cannot_unshare);
  }
  auto bridge = sandbox::proxy::spawn_bridge({socket, 0, true, nullptr, {}});
  if (!bridge) {
    say("bridge_error=" + bridge.error().message);
    ::_exit(1);
  }
  say("bridge_pid=" + std::to_string(bridge->pid));
  std::uint16_t port = bridge->port;
  {
    UniqueFd c = connect_tcp("127.0.0.1", port);
    send_all(c.get(), connect_line("api.test:" + std::to_string(echo_port)));
    say("connect_status=" + std::to_string(status_of(read_head(c.get()))));
    send_all(c.get(), "ping through the tunnel");
    say("echo=" + read_exact(c.get(), 23));
  }
  {
    UniqueFd c = connect_tcp("127.0.0.1", port);
    std::string authority = "api.test:" + std::to_string(http_port);
    send_all(c.get(), "GET http://" + authority + "/inside HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
    std::string r = read_all(c.get());
    say("http_status=" + std::to_string(status_of(r)));
  }
  {
    UniqueFd c = connect_tcp("127.0.0.1", port);
    send_all(c.get(), connect_line("evil.test:" + std::to_string(forbidden_port)));
    say("refused_status=" + std::to_string(status_of(read_all(c.get()))));
  }
  // Going around the proxy: the host's loopback server is not this
  // namespace's loopback, and there is no route to anything else. 192.0.2.1
  // is TEST-NET-1 (documentation): no packet can leave a namespace without
  // interfaces, and nothing would answer there anyway.
  {
    UniqueFd c = connect_tcp("127.0.0.2", forbidden_port);
    say(std::string("direct_loopback=") + (c.valid() ? "connected" : std::strerror(errno)));
  }
  {
    UniqueFd c = connect_tcp("192.0.2.1", 80);
    say(std::string("direct_outside=") + (c.valid() ? "connected" : std::strerror(errno)));
  }
  // The bridge holds only its listening socket: no inherited pipe or terminal
  // (its relays of the connections above close a moment after the clients).
  std::string fds;
  wait_for([&] {
    fds.clear();
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/proc/" + std::to_string(bridge->pid) + "/fd", ec)) {
      fds += std::filesystem::read_symlink(e.path(), ec).string() + " ";
    }
    return fds.find(' ') == fds.size() - 1;
  });
  say("bridge_fds=" + fds);
  ::_exit(0);
}

TEST(ProxyNetns, SandboxReachesAllowedHostsOnlyThroughTheBridge) {
  TempDir dir;
  TestServer http{TestServer::Kind::http, "127.0.0.2"};
  TestServer echo{TestServer::Kind::echo, "127.0.0.2"};
  TestServer forbidden{TestServer::Kind::echo, "127.0.0.2"};
  ProxyFixture f(dir, {"api.test", "127.0.0.2"}, {}, {{"api.test", {"127.0.0.2"}}, {"evil.test", {"127.0.0.2"}}});

  // Become the reaper of orphans, so the bridge's death can be observed.
  ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    child_body(pipe_fds[1], f.socket(), echo.port(), http.port(), forbidden.port());
  }
  ::close(pipe_fds[1]);
  UniqueFd report_fd(pipe_fds[0]);
  std::string report = read_all(report_fd.get(), 20000);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  std::map<std::string, std::string> r;
  for (std::size_t pos = 0; pos < report.size();) {
    auto nl = report.find('\n', pos);
    std::string line = report.substr(pos, nl - pos);
    auto eq = line.find('=');
    if (eq != std::string::npos) r[line.substr(0, eq)] = line.substr(eq + 1);
    pos = nl == std::string::npos ? report.size() : nl + 1;
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == k_cannot_unshare) {
    ::prctl(PR_SET_CHILD_SUBREAPER, 0);
    if (under_ci()) FAIL() << "network namespaces are required under CI: " << r["skip"];
    GTEST_SKIP() << "cannot create a network namespace: " << r["skip"];
  }
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << report;
  EXPECT_EQ(r["connect_status"], "200") << report;
  EXPECT_EQ(r["echo"], "ping through the tunnel") << report;
  EXPECT_EQ(r["http_status"], "200") << report;
  EXPECT_EQ(r["refused_status"], "403") << report;
  EXPECT_EQ(r["direct_loopback"], std::strerror(ECONNREFUSED)) << report;
  EXPECT_EQ(r["direct_outside"], std::strerror(ENETUNREACH)) << report;
  EXPECT_EQ(std::count(r["bridge_fds"].begin(), r["bridge_fds"].end(), ' '), 1) << report;
  EXPECT_EQ(r["bridge_fds"].rfind("socket:", 0), 0u) << report;
  EXPECT_EQ(forbidden.accepts(), 0) << "a refused or direct connection reached the host";
  EXPECT_TRUE(wait_for([&] { return echo.accepts() == 1 && http.accepts() == 1; }));

  // The bridge dies with its parent.
  pid_t bridge = static_cast<pid_t>(std::atoi(r["bridge_pid"].c_str()));
  ASSERT_GT(bridge, 0);
  int bridge_status = 0;
  bool reaped = wait_for([&] { return ::waitpid(bridge, &bridge_status, WNOHANG) == bridge; }, 5000);
  ::prctl(PR_SET_CHILD_SUBREAPER, 0);
  ASSERT_TRUE(reaped) << "the bridge outlived its parent";
  EXPECT_TRUE(WIFSIGNALED(bridge_status) && WTERMSIG(bridge_status) == SIGKILL);
}

}  // namespace
}  // namespace vg::proxy_test
