// The proxy under abuse: malformed and oversized requests, slow clients,
// clients that vanish mid-stream, 200 connections at once. After each, it
// must still serve, hold no stray descriptor, and never reach a refused host.

#include <sys/socket.h>

#include <gtest/gtest.h>

#include "harness.hpp"

namespace vg::proxy_test {
namespace {

using namespace std::string_literals;

std::string connect_line(const std::string& authority) {
  return "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n";
}

class ProxyRobustness : public ::testing::Test {
 protected:
  void SetUp() override {
    baseline_fds = count_fds();
    http = std::make_unique<TestServer>(TestServer::Kind::http, "127.0.0.2");
    echo = std::make_unique<TestServer>(TestServer::Kind::echo, "127.0.0.2");
    forbidden = std::make_unique<TestServer>(TestServer::Kind::echo, "127.0.0.3");
    proxy = std::make_unique<ProxyFixture>(
        dir, std::vector<std::string>{"api.test", "127.0.0.2"}, std::vector<std::string>{},
        std::map<std::string, std::vector<std::string>>{{"api.test", {"127.0.0.2"}}, {"evil.test", {"127.0.0.3"}}},
        [](sandbox::proxy::ProxyOptions& o) {
          o.header_timeout = std::chrono::milliseconds(300);
          o.linger_timeout = std::chrono::milliseconds(200);
        });
    idle_fds = count_fds();
  }

  void TearDown() override {
    // Per connection: everything the proxy opened has been closed again.
    EXPECT_TRUE(proxy->wait_idle()) << "connections still open: " << proxy->proxy().stats().active;
    // The test servers' worker threads close their end a moment after the
    // proxy closes its own: a leak is a descriptor that stays.
    wait_for([&] { return count_fds() == idle_fds; });
    EXPECT_EQ(count_fds(), idle_fds) << "descriptors leaked while serving";
    proxy.reset();
    http.reset();
    echo.reset();
    forbidden.reset();
    EXPECT_EQ(count_fds(), baseline_fds) << "descriptors leaked after stop";
    EXPECT_EQ(forbidden_accepts, 0) << "a refused host was reached";
  }

  // Check that an ordinary request still gets through.
  void expect_still_serving() {
    std::string authority = "api.test:" + std::to_string(http->port());
    std::string r = round_trip(proxy->socket(), "GET http://" + authority + "/ok HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
    EXPECT_EQ(status_of(r), 200) << r;
    forbidden_accepts = forbidden->accepts();
  }

  TempDir dir;
  int baseline_fds = 0;
  int idle_fds = 0;
  int forbidden_accepts = 0;
  std::unique_ptr<TestServer> http;
  std::unique_ptr<TestServer> echo;
  std::unique_ptr<TestServer> forbidden;
  std::unique_ptr<ProxyFixture> proxy;
};

TEST_F(ProxyRobustness, MalformedRequestsGet400AndTheProxyKeepsServing) {
  std::string hp = std::to_string(http->port());
  const std::string bad[] = {
      "GARBAGE\r\n\r\n",
      "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"s,
      "GET /relative HTTP/1.1\r\nHost: api.test\r\n\r\n",
      "GET https://api.test/ HTTP/1.1\r\n\r\n",
      "GET ftp://api.test/ HTTP/1.1\r\n\r\n",
      "GET http://api.test:" + hp + "/ HTTP/1.1\r\nHost: evil.test:" + hp + "\r\n\r\n",
      "GET http://user@evil.test/ HTTP/1.1\r\n\r\n",
      "CONNECT api.test HTTP/1.1\r\n\r\n",
      "CONNECT api.test:99999 HTTP/1.1\r\n\r\n",
      "CONNECT :443 HTTP/1.1\r\n\r\n",
      "GET http://api.test/ HTTP/9.9\r\n\r\n",
      "GET http://api.test/ HTTP/1.1\r\nBad Header\r\n\r\n",
      "GET http://api.test/ HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
      "GET http://api.test/ HTTP/1.1\r\nX: a\0b\r\n\r\n"s,
  };
  for (const auto& request : bad) {
    std::string r = round_trip(proxy->socket(), request);
    EXPECT_EQ(status_of(r), 400) << "request: " << request << "\nresponse: " << r;
    EXPECT_NE(r.find("vg proxy:"), std::string::npos) << r;
  }
  EXPECT_EQ(http->accepts(), 0);
  expect_still_serving();
  auto events = proxy->events();
  EXPECT_EQ(std::count_if(events.begin(), events.end(),
                          [](const auto& e) { return e.verdict == sandbox::proxy::ConnectionEvent::Verdict::error; }),
            static_cast<long>(std::size(bad)));
}

TEST_F(ProxyRobustness, OversizedHeadersGet431) {
  std::string huge = "GET http://api.test/ HTTP/1.1\r\nX-Fill: " + std::string(20000, 'a') + "\r\n\r\n";
  std::string r = round_trip(proxy->socket(), huge);
  EXPECT_EQ(status_of(r), 431) << r.substr(0, 200);
  // Many small header lines add up the same way, even without the final empty line.
  std::string many = "GET http://api.test/ HTTP/1.1\r\n";
  for (int i = 0; i < 2000; ++i) many += "X-" + std::to_string(i) + ": y\r\n";
  EXPECT_EQ(status_of(round_trip(proxy->socket(), many)), 431);
  EXPECT_EQ(http->accepts(), 0);
  expect_still_serving();
}

TEST_F(ProxyRobustness, SlowClientsTimeOutWithoutHoldingUpOthers) {
  std::vector<UniqueFd> slow;
  for (int i = 0; i < 20; ++i) {
    slow.push_back(connect_unix(proxy->socket()));
    ASSERT_TRUE(slow.back().valid());
    send_all(slow.back().get(), i % 2 == 0 ? "GET http://api.test/ HTTP/1.1\r\nX-Slow: " : "\x16\x03\x01");
  }
  expect_still_serving();  // while twenty heads are pending
  for (auto& fd : slow) {
    std::string r = read_all(fd.get(), 3000);
    EXPECT_EQ(status_of(r), 408) << r;
  }
  EXPECT_EQ(http->accepts(), 1);
}

TEST_F(ProxyRobustness, ClientsDisconnectingMidStreamAreCleanedUp) {
  // A tunnel client that sends 4 MiB without reading the echo, then vanishes.
  {
    UniqueFd c = connect_unix(proxy->socket());
    send_all(c.get(), connect_line("api.test:" + std::to_string(echo->port())));
    ASSERT_EQ(status_of(read_head(c.get())), 200);
    std::string chunk = random_bytes(256 * 1024, 1);
    for (int i = 0; i < 16; ++i) {
      if (::send(c.get(), chunk.data(), chunk.size(), MSG_NOSIGNAL | MSG_DONTWAIT) <= 0) break;
    }
  }
  // A plain HTTP client that reads 1 KiB of a 16 MiB response, then vanishes.
  {
    UniqueFd c = connect_unix(proxy->socket());
    std::string authority = "api.test:" + std::to_string(http->port());
    send_all(c.get(), "GET http://" + authority + "/big HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
    EXPECT_EQ(read_exact(c.get(), 1024).size(), 1024u);
  }
  // Half a request head, then gone; a CONNECT, then gone before the reply.
  {
    UniqueFd c = connect_unix(proxy->socket());
    send_all(c.get(), "GET http://api.te");
  }
  {
    UniqueFd c = connect_unix(proxy->socket());
    send_all(c.get(), connect_line("api.test:" + std::to_string(echo->port())));
  }
  EXPECT_TRUE(proxy->wait_idle());
  expect_still_serving();
}

TEST_F(ProxyRobustness, TwoHundredConcurrentConnections) {
  constexpr int k_total = 200;
  constexpr std::size_t k_payload = 16 * 1024;
  std::vector<UniqueFd> clients;
  for (int i = 0; i < k_total; ++i) {
    clients.push_back(connect_unix(proxy->socket()));
    ASSERT_TRUE(clients.back().valid()) << "connection " << i;
    // Every fourth one asks for a host that is not allowed.
    std::string authority = (i % 4 == 3 ? "evil.test:" + std::to_string(forbidden->port())
                                        : "api.test:" + std::to_string(echo->port()));
    ASSERT_TRUE(send_all(clients.back().get(), connect_line(authority)));
  }
  int established = 0;
  int refused = 0;
  for (int i = 0; i < k_total; ++i) {
    auto& fd = clients[static_cast<std::size_t>(i)];
    int status = status_of(read_head(fd.get()));
    if (i % 4 == 3) {
      EXPECT_EQ(status, 403) << "connection " << i;
      refused += status == 403;
      EXPECT_NE(read_all(fd.get()).find("vg refused this connection to evil.test"), std::string::npos);
      fd.reset();
    } else {
      EXPECT_EQ(status, 200) << "connection " << i;
      established += status == 200;
    }
  }
  EXPECT_EQ(established, 150);
  EXPECT_EQ(refused, 50);
  // All tunnels are open at once (the refused clients have hung up).
  EXPECT_TRUE(wait_for([&] { return proxy->proxy().stats().active == 150; })) << proxy->proxy().stats().active;
  for (int i = 0; i < k_total; ++i) {
    if (i % 4 != 3) send_all(clients[static_cast<std::size_t>(i)].get(), random_bytes(k_payload, static_cast<unsigned>(i)));
  }
  for (int i = 0; i < k_total; ++i) {
    if (i % 4 == 3) continue;
    std::string back = read_exact(clients[static_cast<std::size_t>(i)].get(), k_payload);
    EXPECT_TRUE(back == random_bytes(k_payload, static_cast<unsigned>(i))) << "connection " << i;
  }
  clients.clear();
  EXPECT_EQ(forbidden->accepts(), 0);
  EXPECT_TRUE(wait_for([&] { return echo->accepts() == 150; })) << echo->accepts();
  EXPECT_TRUE(proxy->wait_idle());
  expect_still_serving();
}

TEST(ProxyLimits, ConnectionsPastTheLimitGet503AndAnEvent) {
  TempDir dir;
  TestServer http{TestServer::Kind::http, "127.0.0.2"};
  ProxyFixture proxy(dir, {"api.test", "127.0.0.2"}, {}, {{"api.test", {"127.0.0.2"}}},
                     [](sandbox::proxy::ProxyOptions& o) { o.max_connections = 2; });
  UniqueFd a = connect_unix(proxy.socket());
  UniqueFd b = connect_unix(proxy.socket());
  ASSERT_TRUE(a.valid() && b.valid());
  ASSERT_TRUE(wait_for([&] { return proxy.proxy().stats().active == 2; }));
  UniqueFd c = connect_unix(proxy.socket());
  ASSERT_TRUE(c.valid());
  std::string answer = read_all(c.get());
  EXPECT_EQ(status_of(answer), 503) << answer;
  ASSERT_TRUE(wait_for([&] { return !proxy.events().empty(); }));
  auto events = proxy.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].verdict, sandbox::proxy::ConnectionEvent::Verdict::error);
  EXPECT_EQ(events[0].status, 503);
  EXPECT_NE(events[0].reason.find("too many connections (2 open)"), std::string::npos) << events[0].reason;
  // The two held connections still count; once they go, the proxy serves again.
  a.reset();
  b.reset();
  ASSERT_TRUE(proxy.wait_idle());
  std::string authority = "api.test:" + std::to_string(http.port());
  std::string r = round_trip(proxy.socket(), "GET http://" + authority + "/ok HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
  EXPECT_EQ(status_of(r), 200) << r;
}

}  // namespace
}  // namespace vg::proxy_test
