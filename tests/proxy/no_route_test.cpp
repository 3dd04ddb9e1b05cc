// Connections that go around the proxy are counted: a process in a network
// namespace of its own (as in the sandbox) hands its no-route counters to
// the host, tries to connect out directly, fails for want of a route, and
// exits; the host reads how many attempts there were after it is gone.

#include "sandbox/proxy/no_route.hpp"

#include "sandbox/proxy/bridge.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "harness.hpp"

namespace vg::proxy_test {
namespace {

constexpr int k_cannot_unshare = 77;
constexpr int k_routed = 78;

bool under_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

// Try a TCP connection to a documentation address (never routed anywhere);
// true when it failed for want of a route.
bool no_route_to(int family, const char* ip) {
  UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return false;
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (family == AF_INET) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(80);
    ::inet_pton(AF_INET, ip, &sin->sin_addr);
    len = sizeof *sin;
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(80);
    ::inet_pton(AF_INET6, ip, &sin6->sin6_addr);
    len = sizeof *sin6;
  }
  return ::connect(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0 && errno == ENETUNREACH;
}

TEST(ProxyNoRoute, DirectAttemptsInTheSandboxNamespaceAreCounted) {
  TempDir dir;
  std::string path = dir.path() + "/" + sandbox::proxy::k_counter_socket_name;
  auto listener = sandbox::proxy::listen_for_counters(path);
  ASSERT_TRUE(listener.ok()) << listener.error().message;
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (::unshare(CLONE_NEWNET) != 0 && ::unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) ::_exit(k_cannot_unshare);
    // As in the sandbox: loopback up, nothing else.
    if (!sandbox::proxy::bring_up_loopback().ok()) ::_exit(2);
    if (!sandbox::proxy::send_counters(path).ok()) ::_exit(2);
    bool v4 = no_route_to(AF_INET, "192.0.2.1");
    bool v4_again = no_route_to(AF_INET, "198.51.100.7");
    bool v6 = no_route_to(AF_INET6, "2001:db8::1");
    ::_exit(v4 && v4_again && v6 ? 0 : k_routed);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == k_cannot_unshare) {
    if (under_ci()) FAIL() << "network namespaces are required under CI";
    GTEST_SKIP() << "cannot create a network namespace";
  }
  // The attempts were made and failed for want of a route.
  ASSERT_EQ(WEXITSTATUS(status), 0);
  auto count = sandbox::proxy::read_no_routes(listener->get());
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(*count, 3u);
  EXPECT_FALSE(sandbox::proxy::read_no_routes(listener->get()));  // taken once
}

TEST(ProxyNoRoute, SomethingOtherThanProcfsIsIgnored) {
  TempDir dir;
  std::string path = dir.path() + "/" + sandbox::proxy::k_counter_socket_name;
  auto listener = sandbox::proxy::listen_for_counters(path);
  ASSERT_TRUE(listener.ok()) << listener.error().message;
  // A sandboxed program could connect too and pass a file of its own making.
  std::string fake = dir.path() + "/snmp";
  {
    UniqueFd f(::open(fake.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    ASSERT_TRUE(f.valid());
    std::string text = "Ip: Forwarding OutNoRoutes\nIp: 1 999\n";
    ASSERT_EQ(::write(f.get(), text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }
  UniqueFd f(::open(fake.c_str(), O_RDONLY | O_CLOEXEC));
  UniqueFd c = connect_unix(path);
  ASSERT_TRUE(c.valid());
  std::string payload = "0\n";
  iovec iov{payload.data(), payload.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* cm = CMSG_FIRSTHDR(&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  int raw = f.get();
  std::memcpy(CMSG_DATA(cm), &raw, sizeof raw);
  ASSERT_EQ(::sendmsg(c.get(), &msg, 0), 2);
  EXPECT_FALSE(sandbox::proxy::read_no_routes(listener->get()));
}

}  // namespace
}  // namespace vg::proxy_test
