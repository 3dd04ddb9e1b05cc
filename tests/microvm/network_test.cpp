// End-to-end test of `network: restricted` in the microVM (label "microvm",
// TCG): the guest has no NIC; its bridge on 127.0.0.1:3128 reaches vg's
// allow-list proxy over the "vg.net" virtio-serial port.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

#include "tests/microvm/fixture.hpp"

namespace vg::microvm_test {
namespace {

// A one-response-per-connection HTTP server on 127.0.0.2 (a loopback
// address outside the guest's NO_PROXY list), counting its requests.
class TinyHttpServer {
 public:
  TinyHttpServer() {
    m_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = inet_addr("127.0.0.2");
    socklen_t len = sizeof a;
    if (bind(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(m_fd, 8) != 0 ||
        getsockname(m_fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      return;
    }
    m_port = ntohs(a.sin_port);
    m_thread = std::thread([this] { serve(); });
  }
  ~TinyHttpServer() {
    m_stop = true;
    if (m_thread.joinable()) m_thread.join();
    close(m_fd);
  }
  int port() const { return m_port; }
  int requests() const { return m_requests; }

 private:
  void serve() {
    while (!m_stop) {
      pollfd p{m_fd, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      int c = accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      std::string head;
      char buf[4096];
      while (head.find("\r\n\r\n") == std::string::npos) {
        pollfd q{c, POLLIN, 0};
        if (poll(&q, 1, 5000) <= 0) break;
        ssize_t n = read(c, buf, sizeof buf);
        if (n <= 0) break;
        head.append(buf, static_cast<std::size_t>(n));
      }
      ++m_requests;
      std::string body = "served-through-proxy\n";
      std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                          "\r\nConnection: close\r\n\r\n" + body;
      ssize_t ignored = write(c, reply.data(), reply.size());
      (void)ignored;
      close(c);
    }
  }
  int m_fd = -1;
  int m_port = 0;
  std::atomic<int> m_requests{0};
  std::atomic<bool> m_stop{false};
  std::thread m_thread;
};

TEST_F(Microvm, RestrictedNetworkReachesOnlyAllowedHostsThroughTheProxy) {
  TinyHttpServer server;
  ASSERT_GT(server.port(), 0) << "cannot listen on 127.0.0.2";
  std::string port = std::to_string(server.port());
  std::vector<std::string> a = {driver(), "--workspace", m_workspace, "--cwd", m_workspace,
                                "--allow", "127.0.0.2:" + port, "--"};
  // Allowed through the proxy; the same server on another address refused;
  // and no route at all without the proxy (no NIC, only lo).
  std::string script = "ls /sys/class/net; wget -q -O - http://127.0.0.2:" + port + "/ok; echo allowed=$?; " +
                       "wget -q -O - http://127.0.0.3:" + port + "/no; echo refused=$?; " +
                       "http_proxy= wget -q -T 3 -O - http://127.0.0.2:" + port + "/direct; echo direct=$?";
  for (const std::string& s : {std::string("sh"), std::string("-c"), script}) a.push_back(s);
  Child c(a, env());
  EXPECT_EQ(c.wait(k_run), 0) << c.err;
  EXPECT_EQ(c.out.substr(0, 3), "lo\n") << c.out;
  EXPECT_NE(c.out.find("served-through-proxy\nallowed=0\n"), std::string::npos) << c.out << c.err;
  EXPECT_NE(c.out.find("refused=1\n"), std::string::npos) << c.out;
  // The proxy's own refusal line names the refused target.
  auto refusal = c.err.find("refused");
  EXPECT_NE(refusal, std::string::npos) << c.err;
  EXPECT_NE(c.err.find("127.0.0.3:" + port, refusal == std::string::npos ? 0 : refusal), std::string::npos) << c.err;
  EXPECT_EQ(c.out.find("direct=0"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("direct="), std::string::npos) << c.out;  // the direct attempt was made
  EXPECT_EQ(server.requests(), 1) << "only the allowed request may reach the server";
}

}  // namespace
}  // namespace vg::microvm_test
