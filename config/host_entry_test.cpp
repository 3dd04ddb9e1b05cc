// The host-entry syntax shared by the schema and the restricted-network
// proxy: every form the proxy's matcher supports is accepted, malformed
// entries are refused with a reason, and a config file naming one is an
// error at the entry's file:line:column.
#include "config/host_entry.hpp"

#include <gtest/gtest.h>

#include "config/load.hpp"
#include "config/test_dir.hpp"

namespace vg::config {
namespace {

HostEntry parsed(const char* text) {
  auto e = parse_host_entry(text);
  EXPECT_TRUE(e.ok()) << text << ": " << (e.ok() ? "" : e.error().message);
  return e.ok() ? *e : HostEntry{};
}

std::string why(const char* text) {
  auto e = parse_host_entry(text);
  EXPECT_FALSE(e.ok()) << "expected '" << text << "' to be refused";
  return e.ok() ? std::string() : e.error().message;
}

TEST(HostEntry, NamesWildcardsAndAnyWithOptionalPorts) {
  HostEntry e = parsed("Registry.NPMJS.org.");
  EXPECT_EQ(e.kind, HostEntry::Kind::name);
  EXPECT_EQ(e.name, "registry.npmjs.org");
  EXPECT_FALSE(e.port);

  e = parsed("*.example.org:443");
  EXPECT_EQ(e.kind, HostEntry::Kind::wildcard);
  EXPECT_EQ(e.name, "example.org");
  ASSERT_TRUE(e.port);
  EXPECT_EQ(*e.port, 443);

  e = parsed("*");
  EXPECT_EQ(e.kind, HostEntry::Kind::any);
  EXPECT_FALSE(e.port);
  e = parsed("*:8080");
  EXPECT_EQ(e.kind, HostEntry::Kind::any);
  EXPECT_EQ(e.port.value_or(0), 8080);

  e = parsed("host:65535");
  EXPECT_EQ(e.name, "host");
  EXPECT_EQ(e.port.value_or(0), 65535);
  EXPECT_EQ(parsed("my_host-1.internal").name, "my_host-1.internal");
}

TEST(HostEntry, AddressesAndRanges) {
  HostEntry e = parsed("10.1.2.3");
  EXPECT_EQ(e.kind, HostEntry::Kind::address);
  EXPECT_EQ(e.address, "10.1.2.3");
  EXPECT_EQ(e.prefix_len, -1);

  e = parsed("127.0.0.2:8080");
  EXPECT_EQ(e.address, "127.0.0.2");
  EXPECT_EQ(e.port.value_or(0), 8080);

  e = parsed("[::1]:8080");
  EXPECT_EQ(e.kind, HostEntry::Kind::address);
  EXPECT_EQ(e.address, "::1");
  EXPECT_EQ(e.port.value_or(0), 8080);
  EXPECT_EQ(parsed("[::1]").address, "::1");
  EXPECT_EQ(parsed("FD00::1").address, "fd00::1");

  e = parsed("10.0.0.0/8");
  EXPECT_EQ(e.kind, HostEntry::Kind::address);
  EXPECT_EQ(e.address, "10.0.0.0");
  EXPECT_EQ(e.prefix_len, 8);
  EXPECT_EQ(parsed("fd00::/8").prefix_len, 8);
  EXPECT_EQ(parsed("0.0.0.0/0").prefix_len, 0);
  EXPECT_EQ(parsed("::/128").prefix_len, 128);
}

TEST(HostEntry, MalformedEntriesSayWhy) {
  EXPECT_NE(why("*.").find("needs a domain"), std::string::npos);
  EXPECT_NE(why("*..").find("needs a domain"), std::string::npos);
  EXPECT_NE(why("*.:443").find("needs a domain"), std::string::npos);
  EXPECT_NE(why("a..b").find("empty label"), std::string::npos);
  EXPECT_NE(why(".a").find("empty label"), std::string::npos);
  EXPECT_NE(why("10.0.0.0/33").find("/33 is longer than 32 bits"), std::string::npos);
  EXPECT_NE(why("fd00::/129").find("/129 is longer than 128 bits"), std::string::npos);
  EXPECT_NE(why("10.0.0.0/").find("prefix length must be a number"), std::string::npos);
  EXPECT_NE(why("10.0.0.0/8:443").find("prefix length must be a number"), std::string::npos);
  EXPECT_NE(why("example.org/8").find("not an IP address"), std::string::npos);
  EXPECT_NE(why("example.org:0").find("from 1 to 65535"), std::string::npos);
  EXPECT_NE(why("example.org:65536").find("from 1 to 65535"), std::string::npos);
  EXPECT_NE(why("example.org:999999").find("from 1 to 65535"), std::string::npos);
  EXPECT_NE(why("example.org:").find("from 1 to 65535"), std::string::npos);
  EXPECT_NE(why("example.org:x").find("from 1 to 65535"), std::string::npos);
  EXPECT_NE(why("[::1]:0").find("from 1 to 65535"), std::string::npos);
  EXPECT_NE(why("exa mple.org").find("spaces"), std::string::npos);
  EXPECT_NE(why(" example.org").find("spaces"), std::string::npos);
  EXPECT_NE(why("example.org\t").find("spaces"), std::string::npos);
  EXPECT_NE(why("").find("empty"), std::string::npos);
  EXPECT_NE(why("https://x.com/").find("URL"), std::string::npos);
  EXPECT_NE(why("foo.*.org").find("wildcard may only be"), std::string::npos);
  EXPECT_NE(why("*example.org").find("wildcard may only be"), std::string::npos);
  EXPECT_NE(why("[::1").find("missing ']'"), std::string::npos);
  EXPECT_NE(why("[1.2.3.4]").find("does not hold an IPv6 address"), std::string::npos);
  EXPECT_NE(why("[::1]8080").find("expected ':PORT'"), std::string::npos);
  EXPECT_NE(why("::1:8080:x").find("brackets"), std::string::npos);
  EXPECT_NE(why("a:b:c").find("brackets"), std::string::npos);
  EXPECT_NE(why("127.1").find("non-standard form"), std::string::npos);
  EXPECT_NE(why("2130706433").find("non-standard form"), std::string::npos);
  EXPECT_NE(why("a.123").find("numeric"), std::string::npos);
  EXPECT_NE(why("b\xc3\xbc" "cher.de").find("xn--"), std::string::npos);
  EXPECT_NE(why((std::string(64, 'a') + ".org").c_str()).find("longer than 63"), std::string::npos);
}

class HostEntrySchema : public testing::TempDirTest {
 protected:
  std::string error_for(const std::string& text) {
    write(user_file(), text);
    auto r = load(options());
    EXPECT_FALSE(r.ok()) << "expected an error for:\n" << text;
    return r.ok() ? std::string() : r.error().message;
  }
  std::string at(int line, int column) const {
    return user_file() + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  }
};

TEST_F(HostEntrySchema, EveryFormTheProxySupportsIsAccepted) {
  write(user_file(),
        "sandbox:\n"
        "  network:\n"
        "    mode: restricted\n"
        "    allowed_hosts: [example.org, \"*.example.org:443\", \"*\", \"host:8080\", \"10.0.0.0/8\",\n"
        "                    \"[::1]:8080\", \"[::1]\", 127.0.0.1, \"fd00::/8\", Example.ORG.]\n"
        "    blocked_hosts: [\"169.254.0.0/16\", \"*.internal.example.org\", \"pastebin.com:443\"]\n");
  auto r = load(options());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->sandbox.network.allowed_hosts.size(), 10u);
  EXPECT_EQ(r->sandbox.network.allowed_hosts[4], "10.0.0.0/8");
  EXPECT_EQ(r->sandbox.network.blocked_hosts.size(), 3u);
}

TEST_F(HostEntrySchema, AMalformedEntryIsAnErrorAtItsPosition) {
  // Line 4, the second entry of the flow list starts at column 34.
  EXPECT_EQ(error_for("sandbox:\n  network:\n    mode: restricted\n    allowed_hosts: [example.org, \"*.\"]\n"),
            at(4, 34) + "invalid host '*.' in sandbox.network.allowed_hosts: '*.' needs a domain after it "
                        "('*.example.org'); " + k_host_entry_forms);
  // A block list: the entry's own line.
  std::string e = error_for("sandbox:\n  network:\n    blocked_hosts:\n      - ok.org\n      - 10.0.0.0/33\n");
  EXPECT_EQ(e.rfind(at(5, 9), 0), 0u) << e;
  EXPECT_NE(e.find("invalid host '10.0.0.0/33' in sandbox.network.blocked_hosts"), std::string::npos) << e;
  EXPECT_NE(e.find("/33 is longer than 32 bits"), std::string::npos) << e;

  for (const char* bad : {"a..b", "x.org:0", "x.org:65536", "\"a b.org\"", "\"*.\"", "\"foo.*.org\""}) {
    std::string msg = error_for(std::string("sandbox:\n  network:\n    allowed_hosts:\n      - ") + bad + "\n");
    EXPECT_EQ(msg.rfind(at(4, 9), 0), 0u) << bad << ": " << msg;
    EXPECT_NE(msg.find("invalid host"), std::string::npos) << msg;
  }
}

TEST_F(HostEntrySchema, FlagListsAreCheckedToo) {
  auto o = options();
  o.flags = {{"sandbox.network.allowed_hosts", "a.com, [::1]:8080, 10.0.0.0/8"}};
  auto ok = load(o);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->sandbox.network.allowed_hosts.size(), 3u);
  o.flags = {{"sandbox.network.blocked_hosts", "a.com, *.:443"}};
  auto bad = load(o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("invalid host '*.:443' in sandbox.network.blocked_hosts: '*.' needs a domain"),
            std::string::npos)
      << bad.error().message;
}

}  // namespace
}  // namespace vg::config
