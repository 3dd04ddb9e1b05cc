// The proxy's decisions, end to end: real sockets, local servers, names
// pointed at 127.0.0.x through the proxy's resolver override.

#include <gtest/gtest.h>

#include "harness.hpp"

namespace vg::proxy_test {
namespace {

using sandbox::proxy::ConnectionEvent;

std::string get(const std::string& url, const std::string& host_header) {
  return "GET " + url + " HTTP/1.1\r\nHost: " + host_header + "\r\nUser-Agent: t\r\nProxy-Connection: keep-alive\r\n\r\n";
}

std::string connect_line(const std::string& authority) {
  return "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n";
}

// Send CONNECT for `authority` and return the status of the reply head
// (without waiting for the tunnel to close).
int tunnel_status(const std::string& socket, const std::string& authority) {
  UniqueFd c = connect_unix(socket);
  if (!c.valid() || !send_all(c.get(), connect_line(authority))) return -1;
  return status_of(read_head(c.get()));
}

class ProxyPolicy : public ::testing::Test {
 protected:
  TempDir dir;
  TestServer http{TestServer::Kind::http, "127.0.0.2"};
  TestServer echo{TestServer::Kind::echo, "127.0.0.2"};
  TestServer other{TestServer::Kind::echo, "127.0.0.3"};  // must never be reached
};

TEST_F(ProxyPolicy, AllowedHostIsReachedOverPlainHttp) {
  ProxyFixture f(dir, {"api.test", "127.0.0.2"}, {}, {{"api.test", {"127.0.0.2"}}});
  std::string authority = "api.test:" + std::to_string(http.port());
  std::string r = round_trip(f.socket(), get("http://" + authority + "/hello?x=1", authority));
  EXPECT_EQ(status_of(r), 200) << r;
  EXPECT_NE(r.find("hello from 127.0.0.2: GET /hello?x=1 HTTP/1.1"), std::string::npos) << r;
  EXPECT_NE(r.find("Connection: close"), std::string::npos) << r;     // rewritten for the client
  EXPECT_EQ(r.find("keep-alive"), std::string::npos) << r;
  ASSERT_EQ(http.heads().size(), 1u);
  std::string head = http.heads()[0];
  EXPECT_NE(head.find("Host: " + authority + "\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Connection: close\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.find("Proxy-Connection"), std::string::npos) << head;
  auto events = f.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].verdict, ConnectionEvent::Verdict::allowed);
  EXPECT_EQ(events[0].host, "api.test");
  EXPECT_EQ(events[0].port, http.port());
  EXPECT_EQ(events[0].address, "127.0.0.2");
  EXPECT_EQ(events[0].method, "GET");
  EXPECT_TRUE(f.refusals().empty());
}

TEST_F(ProxyPolicy, AllowedHostIsReachedOverConnect) {
  ProxyFixture f(dir, {"api.test", "127.0.0.2"}, {}, {{"api.test", {"127.0.0.2"}}});
  UniqueFd c = connect_unix(f.socket());
  ASSERT_TRUE(c.valid());
  // The client may send its first bytes (a TLS ClientHello) right behind the head.
  std::string hello = "\x16\x03\x01 fake client hello";
  ASSERT_TRUE(send_all(c.get(), connect_line("api.test:" + std::to_string(echo.port())) + hello));
  std::string head = read_head(c.get());
  EXPECT_EQ(head, "HTTP/1.1 200 Connection established\r\n\r\n");
  EXPECT_EQ(read_exact(c.get(), hello.size()), hello);
  std::string payload = random_bytes(1 << 20, 7);
  std::thread writer([&] { send_all(c.get(), payload); });
  std::string back = read_exact(c.get(), payload.size());
  writer.join();
  EXPECT_TRUE(back == payload) << "echo differs after " << back.size() << " bytes";
  ::shutdown(c.get(), SHUT_WR);
  EXPECT_EQ(read_all(c.get()), "");  // the tunnel closes after both sides end
  EXPECT_TRUE(f.wait_idle());
  EXPECT_EQ(f.proxy().stats().allowed, 1u);
}

TEST_F(ProxyPolicy, HostNotInTheListIsRefusedWith403) {
  ProxyFixture f(dir, {"api.test", "127.0.0.2", "127.0.0.3"}, {},
                 {{"api.test", {"127.0.0.2"}}, {"other.test", {"127.0.0.3"}}});
  for (const std::string& req : {connect_line("other.test:" + std::to_string(other.port())),
                                 get("http://other.test:" + std::to_string(other.port()) + "/",
                                     "other.test:" + std::to_string(other.port()))}) {
    std::string r = round_trip(f.socket(), req);
    EXPECT_EQ(status_of(r), 403) << r;
    EXPECT_NE(r.find("vg refused this connection to other.test:"), std::string::npos) << r;
    EXPECT_NE(r.find("not in allowed_hosts"), std::string::npos) << r;
  }
  EXPECT_EQ(other.accepts(), 0);
  auto refusals = f.refusals();
  ASSERT_EQ(refusals.size(), 2u);
  EXPECT_EQ(refusals[0], "vg: network: refused CONNECT other.test:" + std::to_string(other.port()) +
                             ": not in allowed_hosts (hint: add it to sandbox.network.allowed_hosts)");
  EXPECT_NE(refusals[1].find("refused GET other.test:"), std::string::npos) << refusals[1];
  for (const auto& e : f.events()) {
    EXPECT_EQ(e.verdict, ConnectionEvent::Verdict::refused);
    EXPECT_EQ(e.status, 403);
    EXPECT_EQ(e.host, "other.test");
  }
}

TEST_F(ProxyPolicy, BlockedHostIsRefusedEvenWhenAWildcardAllowsIt) {
  ProxyFixture f(dir, {"*.test", "127.0.0.2", "127.0.0.3"}, {"evil.test", "*.bad.test"},
                 {{"evil.test", {"127.0.0.3"}}, {"x.bad.test", {"127.0.0.3"}}, {"good.test", {"127.0.0.2"}}});
  for (const char* host : {"evil.test", "EVIL.test.", "x.bad.test"}) {
    std::string r = round_trip(f.socket(), connect_line(std::string(host) + ":" + std::to_string(other.port())));
    EXPECT_EQ(status_of(r), 403) << host << ": " << r;
    EXPECT_NE(r.find("blocked_hosts"), std::string::npos) << r;
  }
  EXPECT_EQ(other.accepts(), 0);
  EXPECT_EQ(tunnel_status(f.socket(), "good.test:" + std::to_string(echo.port())), 200);
}

TEST_F(ProxyPolicy, RawIpAddressesAreRefusedUnlessListedByAddress) {
  ProxyFixture f(dir, {"*", "127.0.0.2:" + std::to_string(echo.port())}, {}, {});
  std::string r = round_trip(f.socket(), connect_line("127.0.0.3:" + std::to_string(other.port())));
  EXPECT_EQ(status_of(r), 403) << r;
  EXPECT_NE(r.find("raw IP address not allow-listed"), std::string::npos) << r;
  // Numeric spellings of an address are not names, whatever '*' says.
  for (const char* spelled : {"2130706435", "127.3", "0x7f000003"}) {
    std::string n = round_trip(f.socket(), connect_line(std::string(spelled) + ":" + std::to_string(other.port())));
    EXPECT_EQ(status_of(n), 403) << spelled << ": " << n;
  }
  std::string v6 = round_trip(f.socket(), connect_line("[::1]:" + std::to_string(other.port())));
  EXPECT_EQ(status_of(v6), 403) << v6;
  EXPECT_EQ(other.accepts(), 0);
  // Listed by address and port: allowed on that port only.
  EXPECT_EQ(tunnel_status(f.socket(), "127.0.0.2:" + std::to_string(echo.port())), 200);
  std::string wrong_port = round_trip(f.socket(), connect_line("127.0.0.2:" + std::to_string(http.port())));
  EXPECT_EQ(status_of(wrong_port), 403) << wrong_port;
  EXPECT_EQ(http.accepts(), 0);
}

TEST_F(ProxyPolicy, PrivateAndLoopbackAddressesAreRefusedBeforeAnyConnect) {
  // 10.0.0.1 and 169.254.169.254 are never contacted: the refusal comes from
  // the check of the resolved address, before any socket is opened.
  ProxyFixture f(dir, {"*.test"}, {},
                 {{"intranet.test", {"10.0.0.1"}},
                  {"metadata.test", {"169.254.169.254"}},
                  {"loop.test", {"127.0.0.2"}},
                  {"mixed.test", {"127.0.0.2", "10.0.0.1"}}});
  struct Case {
    const char* host;
    const char* why;
  } cases[] = {{"intranet.test", "private address 10.0.0.1"},
               {"metadata.test", "link-local address 169.254.169.254"},
               {"loop.test", "loopback address 127.0.0.2"},
               {"mixed.test", "loopback address 127.0.0.2"}};
  for (const auto& c : cases) {
    std::string r = round_trip(f.socket(), connect_line(std::string(c.host) + ":" + std::to_string(echo.port())));
    EXPECT_EQ(status_of(r), 403) << c.host << ": " << r;
    EXPECT_NE(r.find(c.why), std::string::npos) << r;
  }
  EXPECT_EQ(echo.accepts(), 0);
  EXPECT_EQ(f.proxy().stats().allowed, 0u);
  auto events = f.events();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].address, "10.0.0.1");
  EXPECT_EQ(events[1].address, "169.254.169.254");
}

TEST_F(ProxyPolicy, AnAddressEntryPermitsAListedPrivateAddress) {
  ProxyFixture f(dir, {"*.test", "127.0.0.2"}, {},
                 {{"mixed.test", {"127.0.0.2", "10.0.0.1"}}, {"loop.test", {"127.0.0.2"}}});
  // One unlisted private address in the answer refuses the whole name.
  std::string mixed = round_trip(f.socket(), connect_line("mixed.test:" + std::to_string(echo.port())));
  EXPECT_EQ(status_of(mixed), 403) << mixed;
  EXPECT_EQ(echo.accepts(), 0);
  EXPECT_EQ(tunnel_status(f.socket(), "loop.test:" + std::to_string(echo.port())), 200);
  EXPECT_TRUE(wait_for([&] { return echo.accepts() == 1; })) << echo.accepts();
}

TEST_F(ProxyPolicy, WildcardAndPortRulesBehaveAsDocumented) {
  std::string ep = std::to_string(echo.port());
  std::string hp = std::to_string(http.port());
  ProxyFixture f(dir, {"*.svc.test", "exact.test:" + ep, "127.0.0.2"}, {},
                 {{"a.svc.test", {"127.0.0.2"}},
                  {"b.a.svc.test", {"127.0.0.2"}},
                  {"svc.test", {"127.0.0.2"}},
                  {"exact.test", {"127.0.0.2"}},
                  {"x.exact.test", {"127.0.0.2"}}});
  auto status = [&](const std::string& authority) { return tunnel_status(f.socket(), authority); };
  EXPECT_EQ(status("a.svc.test:" + ep), 200);
  EXPECT_EQ(status("b.a.svc.test:" + ep), 200);
  EXPECT_EQ(status("svc.test:" + ep), 403);  // the apex is not covered by *.svc.test
  EXPECT_EQ(status("exact.test:" + ep), 200);
  EXPECT_EQ(status("exact.test:" + hp), 403);  // wrong port
  EXPECT_EQ(status("x.exact.test:" + ep), 403);
  EXPECT_EQ(http.accepts(), 0);
  EXPECT_TRUE(wait_for([&] { return echo.accepts() == 3; })) << echo.accepts();
}

TEST_F(ProxyPolicy, UnresolvableAndUnreachableHostsGetGatewayErrors) {
  TestServer closed{TestServer::Kind::echo, "127.0.0.4"};
  std::uint16_t dead_port = closed.port();
  ProxyFixture f(dir, {"*.test", "127.0.0.4"}, {}, {{"down.test", {"127.0.0.4"}}});
  std::string r = round_trip(f.socket(), connect_line("nowhere.test:443"));
  EXPECT_EQ(status_of(r), 502) << r;
  EXPECT_NE(r.find("cannot resolve nowhere.test"), std::string::npos) << r;
  // Port 1 on 127.0.0.4 has no listener: connection refused.
  std::string d = round_trip(f.socket(), connect_line("down.test:1"));
  EXPECT_EQ(status_of(d), 502) << d;
  EXPECT_NE(d.find("Connection refused"), std::string::npos) << d;
  EXPECT_EQ(tunnel_status(f.socket(), "down.test:" + std::to_string(dead_port)), 200);
}

TEST(ProxyStart, RejectsBadEntriesAndAnExistingSocket) {
  TempDir dir;
  sandbox::proxy::ProxyOptions o;
  o.socket_path = dir.path() + "/p.sock";
  o.allowed_hosts = {"ok.test", "bad host"};
  auto bad = sandbox::proxy::Proxy::start(o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("sandbox.network.allowed_hosts[1] 'bad host'"), std::string::npos)
      << bad.error().message;
  o.allowed_hosts = {"ok.test"};
  auto first = sandbox::proxy::Proxy::start(o);
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto second = sandbox::proxy::Proxy::start(o);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("bind(\"" + o.socket_path + "\")"), std::string::npos)
      << second.error().message;
  (*first)->stop();
  EXPECT_NE(::access(o.socket_path.c_str(), F_OK), 0);  // the socket file is removed
}

}  // namespace
}  // namespace vg::proxy_test
