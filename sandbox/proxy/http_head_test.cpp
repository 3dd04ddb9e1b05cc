#include "sandbox/proxy/http_head.hpp"

#include <gtest/gtest.h>

namespace vg::sandbox::proxy {
namespace {

TEST(HttpHead, FindsTheEndOfTheHeadWithCrlfOrLf) {
  EXPECT_EQ(find_head_end("GET / HTTP/1.1\r\nHost: a\r\n\r\nbody"), 27u);
  EXPECT_EQ(find_head_end("GET / HTTP/1.1\nHost: a\n\nbody"), 24u);
  EXPECT_EQ(find_head_end("GET / HTTP/1.1\r\nHost: a\r\n"), 0u);
  EXPECT_EQ(find_head_end(""), 0u);
}

TEST(HttpHead, ParsesConnect) {
  auto r = parse_request_head("CONNECT api.example.org:443 HTTP/1.1\r\nHost: api.example.org:443\r\n\r\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->method, "CONNECT");
  EXPECT_EQ(r->target, "api.example.org:443");
  ASSERT_NE(r->find("HOST"), nullptr);
  EXPECT_EQ(*r->find("host"), "api.example.org:443");
}

TEST(HttpHead, RejectsMalformedHeads) {
  for (const char* head : {"\r\n\r\n", "GET\r\n\r\n", "GET /\r\n\r\n", "GET  / HTTP/1.1\r\n\r\n",
                           "GET / HTTP/2.0\r\n\r\n", "GET / HTTP/1.1 extra\r\n\r\n", "G(T / HTTP/1.1\r\n\r\n",
                           "GET / HTTP/1.1\r\nNoColon\r\n\r\n", "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
                           "GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",
                           "GET / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"}) {
    EXPECT_FALSE(parse_request_head(head).ok()) << head;
  }
  std::string nul = "GET / HTTP/1.1\r\nA: b";
  nul.push_back('\0');
  nul += "\r\n\r\n";
  EXPECT_FALSE(parse_request_head(nul).ok());
}

TEST(HttpHead, ParsesAuthorities) {
  auto a = parse_authority("example.org:8443", 0, true);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "example.org");
  EXPECT_EQ(a->port, 8443);
  auto v6 = parse_authority("[::1]:443", 0, true);
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(parse_authority("example.org", 80, false)->port, 80);
  EXPECT_FALSE(parse_authority("example.org", 0, true).ok());
  EXPECT_FALSE(parse_authority("example.org:0", 0, true).ok());
  EXPECT_FALSE(parse_authority("example.org:65536", 0, true).ok());
  EXPECT_FALSE(parse_authority("::1:443", 0, true).ok());
  EXPECT_FALSE(parse_authority(":443", 0, true).ok());
  EXPECT_FALSE(parse_authority("[nothex]:443", 0, true).ok());
  EXPECT_FALSE(parse_authority("user@evil.org:443", 0, true).ok());
}

TEST(HttpHead, ParsesAbsoluteTargets) {
  auto t = parse_absolute_target("http://Example.org:8080/a/b?c=d#frag");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->authority.host, "Example.org");
  EXPECT_EQ(t->authority.port, 8080);
  EXPECT_EQ(t->path, "/a/b?c=d");
  EXPECT_EQ(parse_absolute_target("http://example.org")->path, "/");
  EXPECT_EQ(parse_absolute_target("HTTP://example.org?q")->path, "/?q");
  EXPECT_EQ(parse_absolute_target("http://example.org")->authority.port, 80);
  EXPECT_FALSE(parse_absolute_target("/index.html").ok());
  EXPECT_FALSE(parse_absolute_target("https://example.org/").ok());
  EXPECT_FALSE(parse_absolute_target("ftp://example.org/").ok());
  EXPECT_FALSE(parse_absolute_target("http://allowed.org@evil.org/").ok());
  EXPECT_FALSE(parse_absolute_target("http:///path").ok());
}

TEST(HttpHead, UpstreamHeadIsOriginFormWithoutProxyHeaders) {
  auto r = parse_request_head(
      "GET http://a.test:8080/x?y HTTP/1.1\r\nHost: a.test:8080\r\nProxy-Connection: keep-alive\r\n"
      "Proxy-Authorization: Basic Zm9v\r\nConnection: keep-alive, X-Secret\r\nX-Secret: 1\r\nAccept: */*\r\n\r\n");
  ASSERT_TRUE(r.ok());
  auto t = parse_absolute_target(r->target);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(build_upstream_head(*r, *t),
            "GET /x?y HTTP/1.1\r\nHost: a.test:8080\r\nAccept: */*\r\nConnection: close\r\n\r\n");
}

TEST(HttpHead, ResponseHeadIsRewrittenToClose) {
  EXPECT_EQ(rewrite_response_head("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: 5\r\nA: b\r\n\r\n"),
            "HTTP/1.1 200 OK\r\nA: b\r\nConnection: close\r\n\r\n");
  std::string cont = "HTTP/1.1 100 Continue\r\n\r\n";
  EXPECT_EQ(rewrite_response_head(cont), cont);
  std::string junk = "SSH-2.0-OpenSSH\r\n\r\n";
  EXPECT_EQ(rewrite_response_head(junk), junk);
}

TEST(HttpHead, ResponsesCarryTheirLength) {
  auto r = make_response(403, "Forbidden", "no\n");
  EXPECT_EQ(r.rfind("HTTP/1.1 403 Forbidden\r\n", 0), 0u);
  EXPECT_NE(r.find("Content-Length: 3\r\n"), std::string::npos);
  EXPECT_NE(r.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(r.substr(r.size() - 7), "\r\n\r\nno\n");
}

}  // namespace
}  // namespace vg::sandbox::proxy
