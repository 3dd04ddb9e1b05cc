// The framed protocol must survive any byte stream: truncated, oversized and
// garbage frames are reported, never a crash, never an unbounded allocation.
#include "guest/protocol.hpp"

#include <gtest/gtest.h>

#include <random>

namespace vg::proto {
namespace {

std::vector<Frame> decode_all(Decoder& d, Decoder::Status* last = nullptr) {
  std::vector<Frame> out;
  Frame f;
  Decoder::Status s;
  while ((s = d.next(f)) == Decoder::Status::frame) out.push_back(f);
  if (last) *last = s;
  return out;
}

TEST(Protocol, FramesRoundTripAcrossArbitrarySplits) {
  std::string stream = encode_frame(Type::stdout_data, "hello") + encode_frame(Type::exit, encode(ExitStatus{3, 0})) +
                       encode_frame(Type::changes_end, "");
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    Decoder d;
    d.feed(stream.data(), split);
    auto first = decode_all(d);
    d.feed(stream.data() + split, stream.size() - split);
    auto rest = decode_all(d);
    first.insert(first.end(), rest.begin(), rest.end());
    ASSERT_EQ(first.size(), 3u) << "split at " << split;
    EXPECT_EQ(first[0].payload, "hello");
    ExitStatus e;
    ASSERT_TRUE(decode(first[1].payload, e));
    EXPECT_EQ(e.code, 3);
    EXPECT_EQ(first[2].type, Type::changes_end);
    EXPECT_EQ(d.pending(), 0u);
  }
}

TEST(Protocol, TruncatedFrameWaitsAndReportsPendingBytes) {
  std::string f = encode_frame(Type::stderr_data, std::string(100, 'x'));
  Decoder d;
  d.feed(f.data(), f.size() - 1);
  Decoder::Status s;
  EXPECT_TRUE(decode_all(d, &s).empty());
  EXPECT_EQ(s, Decoder::Status::need_more);
  EXPECT_EQ(d.pending(), f.size() - 1);  // at EOF the caller sees a truncated frame
}

TEST(Protocol, OversizedFrameIsCorruptWithoutAllocating) {
  std::string header = {'\xff', '\xff', '\xff', '\x7f', static_cast<char>(Type::stdout_data)};
  Decoder d;
  d.feed(header.data(), header.size());
  Frame f;
  EXPECT_EQ(d.next(f), Decoder::Status::corrupt);
  EXPECT_NE(d.error().find("exceeds"), std::string::npos);
  // A poisoned decoder stays poisoned: the stream cannot be resynchronised.
  std::string good = encode_frame(Type::stdout_data, "x");
  d.feed(good.data(), good.size());
  EXPECT_EQ(d.next(f), Decoder::Status::corrupt);
}

TEST(Protocol, UnknownTypeIsCorrupt) {
  std::string f = encode_frame(Type::log, "x");
  f[4] = static_cast<char>(200);
  Decoder d;
  d.feed(f.data(), f.size());
  Frame out;
  EXPECT_EQ(d.next(out), Decoder::Status::corrupt);
  EXPECT_NE(d.error().find("unknown frame type 200"), std::string::npos);
}

TEST(Protocol, StartRoundTrips) {
  Start s;
  s.argv = {"sh", "-c", "echo hi"};
  s.env = {"A=1", "PATH=/bin"};
  s.cwd = "/w/sub";
  s.workspace = "/w";
  s.rows = 40;
  s.cols = 120;
  s.tty = 1;
  s.share = 1;
  s.max_write_bytes = 1 << 20;
  s.host_time_ns = 123456789;
  s.seed = std::string(32, '\x5a');
  Start d;
  ASSERT_TRUE(decode(encode(s), d));
  EXPECT_EQ(d.argv, s.argv);
  EXPECT_EQ(d.env, s.env);
  EXPECT_EQ(d.cwd, s.cwd);
  EXPECT_EQ(d.workspace, s.workspace);
  EXPECT_EQ(d.rows, 40u);
  EXPECT_EQ(d.cols, 120u);
  EXPECT_EQ(d.tty, 1);
  EXPECT_EQ(d.seed, s.seed);
  EXPECT_EQ(d.host_time_ns, 123456789u);
}

TEST(Protocol, EveryTruncationOfAStartPayloadIsRejected) {
  Start s;
  s.argv = {"echo", "hi"};
  s.workspace = "/w";
  std::string p = encode(s);
  for (std::size_t n = 0; n < p.size(); ++n) {
    Start d;
    EXPECT_FALSE(decode(std::string_view(p).substr(0, n), d)) << "prefix of " << n;
  }
  Start d;
  EXPECT_FALSE(decode(p + "x", d)) << "trailing byte accepted";
}

TEST(Protocol, HostileCountsAreRejected) {
  // argv count of 4 billion in a 4-byte payload.
  std::string p = Writer().u32(0xffffffffu).data();
  Start d;
  EXPECT_FALSE(decode(p, d));
  // String length past the end.
  std::string q = Writer().u32(1).u32(1000).data();
  EXPECT_FALSE(decode(q, d));
  // Empty argv.
  Start empty;
  empty.workspace = "/w";
  EXPECT_FALSE(decode(encode(empty), d));
}

TEST(Protocol, ChangePathsMustBeSafe) {
  const std::vector<std::string> bad_paths = {"", "/etc/passwd", "../x", "a/../../x", "a//b", "./a", "a/.", "a/", std::string("a\0b", 3)};
  for (const auto& bad : bad_paths) {
    Change c;
    c.path = bad;
    Change d;
    EXPECT_FALSE(decode(encode(c), d)) << bad;
  }
  Change c;
  c.kind = Change::Kind::symlink;
  c.path = "dir/link";
  c.target = "../../outside";
  Change d;
  ASSERT_TRUE(decode(encode(c), d));
  EXPECT_EQ(d.target, "../../outside");
  // A non-file change cannot announce data bytes.
  c.size = 10;
  EXPECT_FALSE(decode(encode(c), d));
}

TEST(Protocol, ValuesOutOfRangeAreRejected) {
  ExitStatus e;
  EXPECT_FALSE(decode(Writer().i32(-1).u8(0).data(), e));
  EXPECT_FALSE(decode(Writer().i32(300).u8(0).data(), e));
  int sig = 0;
  EXPECT_FALSE(decode_signal(encode_signal(0), sig));
  EXPECT_FALSE(decode_signal(encode_signal(65), sig));
  EXPECT_TRUE(decode_signal(encode_signal(15), sig));
  EXPECT_EQ(sig, 15);
  Change c;
  EXPECT_FALSE(decode(Writer().u8(9).str("a").u32(0).u64(0).str("").data(), c));
}

TEST(Protocol, RandomGarbageNeverCrashes) {
  std::mt19937 rng(42);
  for (int round = 0; round < 2000; ++round) {
    std::string junk(rng() % 300, '\0');
    for (auto& ch : junk) ch = static_cast<char>(rng());
    // Sometimes make it look like a frame header with a plausible length.
    if (junk.size() >= 5 && round % 2) {
      junk[0] = static_cast<char>(junk.size() - 5);
      junk[1] = junk[2] = junk[3] = 0;
      junk[4] = static_cast<char>(1 + rng() % 15);
    }
    Decoder d;
    d.feed(junk.data(), junk.size());
    Frame f;
    int frames = 0;
    while (d.next(f) == Decoder::Status::frame) {
      ++frames;
      Start s;
      Change c;
      ExitStatus e;
      Hello h;
      Resize r;
      int sig;
      (void)decode(f.payload, s);
      (void)decode(f.payload, c);
      (void)decode(f.payload, e);
      (void)decode(f.payload, h);
      (void)decode(f.payload, r);
      (void)decode_signal(f.payload, sig);
      ASSERT_LT(frames, 1000);
    }
  }
}

TEST(Protocol, NetFramesCarryTheirIdAndBytes) {
  NetFrame in{7, std::string("a\0b", 3)};
  NetFrame out;
  ASSERT_TRUE(decode(encode(in), out));
  EXPECT_EQ(out.id, 7u);
  EXPECT_EQ(out.data, std::string("a\0b", 3));
  EXPECT_FALSE(decode("abc", out));  // shorter than an id
}

TEST(Protocol, StartCarriesTheNetworkPortAndRejectsImpossibleOnes) {
  Start s;
  s.argv = {"true"};
  s.net_port = 3128;
  Start d;
  ASSERT_TRUE(decode(encode(s), d));
  EXPECT_EQ(d.net_port, 3128u);
  s.net_port = 70000;
  EXPECT_FALSE(decode(encode(s), d));
}

TEST(Protocol, HolesAndUnsentEntriesRoundTripAndAreChecked) {
  std::uint64_t length = 0;
  ASSERT_TRUE(decode_hole(encode_hole(1ull << 40), length));
  EXPECT_EQ(length, 1ull << 40);
  EXPECT_FALSE(decode_hole(encode_hole(0), length)) << "an empty hole";
  EXPECT_FALSE(decode_hole("abc", length));
  Unsent u{"dir/fifo", "a fifo is not brought back from the guest"};
  Unsent d;
  ASSERT_TRUE(decode(encode(u), d));
  EXPECT_EQ(d.path, u.path);
  EXPECT_EQ(d.reason, u.reason);
  EXPECT_FALSE(decode(encode(Unsent{"../escape", "x"}), d));
  EXPECT_FALSE(decode(encode(u) + "x", d));
  EXPECT_TRUE(known_type(static_cast<std::uint8_t>(Type::unsent)));
  EXPECT_STREQ(type_name(Type::change_hole), "change_hole");
}

}  // namespace
}  // namespace vg::proto
