// The guest sends its write set in bounded memory: holes and zeros travel as
// change_hole frames, never as bytes; what it cannot send is named in an
// unsent frame, and the walk goes on.
#include "guest/write_set.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace vg::guest {
namespace {

// One file entry as the host would rebuild it.
struct Received {
  std::uint64_t size = 0;
  std::uint64_t data_bytes = 0;
  std::uint64_t hole_bytes = 0;
  std::map<std::uint64_t, std::string> data;  // offset -> bytes
};

struct Stream {
  std::map<std::string, Received> files;
  std::map<std::string, std::string> unsent;  // path -> reason
  std::vector<std::string> order;
  std::size_t largest_frame = 0;
  bool ended = false;
  std::string error;
};

// Read frames from `fd` until changes_end or error.
Stream read_stream(int fd) {
  Stream s;
  proto::Decoder d;
  std::string current;
  std::uint64_t pos = 0;
  char buf[65536];
  for (;;) {
    proto::Frame f;
    auto st = d.next(f);
    if (st == proto::Decoder::Status::corrupt) {
      s.error = d.error();
      return s;
    }
    if (st == proto::Decoder::Status::need_more) {
      ssize_t n = read(fd, buf, sizeof buf);
      if (n <= 0) return s;
      d.feed(buf, static_cast<std::size_t>(n));
      continue;
    }
    s.largest_frame = std::max(s.largest_frame, f.payload.size());
    if (f.type == proto::Type::change) {
      proto::Change c;
      EXPECT_TRUE(proto::decode(f.payload, c));
      s.order.push_back(c.path);
      if (c.kind == proto::Change::Kind::file) {
        current = c.path;
        pos = 0;
        s.files[current].size = c.size;
      }
    } else if (f.type == proto::Type::change_data) {
      s.files[current].data[pos] = f.payload;
      s.files[current].data_bytes += f.payload.size();
      pos += f.payload.size();
    } else if (f.type == proto::Type::change_hole) {
      std::uint64_t length = 0;
      EXPECT_TRUE(proto::decode_hole(f.payload, length));
      s.files[current].hole_bytes += length;
      pos += length;
    } else if (f.type == proto::Type::unsent) {
      proto::Unsent u;
      EXPECT_TRUE(proto::decode(f.payload, u));
      s.unsent[u.path] = u.reason;
    } else if (f.type == proto::Type::changes_end) {
      s.ended = true;
      return s;
    } else if (f.type == proto::Type::error) {
      s.error = f.payload;
      return s;
    }
  }
}

class WriteSetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string t = "/tmp/vg-guest-ws-XXXXXX";
    ASSERT_NE(mkdtemp(t.data()), nullptr);
    m_dir = t;
  }
  void TearDown() override {
    std::string cmd = "rm -rf '" + m_dir + "'";
    if (std::system(cmd.c_str()) != 0) ADD_FAILURE() << "cannot remove " << m_dir;
  }
  // Send the write set of m_dir with `max_bytes`, as the host receives it.
  Stream send(std::uint64_t max_bytes) {
    int sv[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    Stream got;
    std::thread reader([&] { got = read_stream(sv[1]); });
    Port port(sv[0]);
    EXPECT_TRUE(send_write_set(port, m_dir, max_bytes));
    close(sv[0]);
    reader.join();
    close(sv[1]);
    return got;
  }
  void write_at(const std::string& name, off_t offset, const std::string& bytes, off_t length = -1) {
    int fd = open((m_dir + "/" + name).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    if (!bytes.empty()) {
      ASSERT_EQ(pwrite(fd, bytes.data(), bytes.size(), offset), static_cast<ssize_t>(bytes.size()));
    }
    if (length >= 0) {
      ASSERT_EQ(ftruncate(fd, length), 0);
    }
    close(fd);
  }
  std::string m_dir;
};

constexpr std::uint64_t k_gib = 1ull << 30;

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(1 + rng() % 255);
  return s;
}

TEST_F(WriteSetTest, HolesAndZerosTravelAsHolesAndDataAtItsOffsets) {
  write_at("sparse.bin", 0, "", static_cast<off_t>(k_gib));                    // truncate -s 1G
  write_at("middle.bin", 0, "head");                                         // data, a hole, data
  write_at("middle.bin", 50 << 20, "tail");
  write_at("zeros.bin", 0, std::string(300 * 1024, '\0'));                    // dense zeros
  std::string noise = random_bytes(200 * 1024, 1);
  write_at("noise.bin", 0, noise);
  Stream s = send(0);
  ASSERT_TRUE(s.ended) << s.error;
  EXPECT_TRUE(s.unsent.empty());
  EXPECT_LE(s.largest_frame, proto::k_chunk) << "a frame larger than one chunk";

  const Received& sparse = s.files["sparse.bin"];
  EXPECT_EQ(sparse.size, k_gib);
  EXPECT_EQ(sparse.data_bytes, 0u) << "the 1 GiB hole was sent as bytes";
  EXPECT_EQ(sparse.hole_bytes, k_gib);

  const Received& middle = s.files["middle.bin"];
  EXPECT_EQ(middle.size, (50u << 20) + 4);
  EXPECT_EQ(middle.data_bytes + middle.hole_bytes, middle.size);
  EXPECT_LE(middle.data_bytes, 2u * proto::k_chunk);
  ASSERT_TRUE(middle.data.count(0));
  EXPECT_EQ(middle.data.at(0).substr(0, 4), "head");
  bool tail_found = false;
  for (const auto& [offset, bytes] : middle.data) {
    if (offset <= (50u << 20) && offset + bytes.size() == middle.size) {
      tail_found = bytes.substr((50u << 20) - offset) == "tail";
    }
  }
  EXPECT_TRUE(tail_found) << "the data after the hole is not at its offset";

  EXPECT_EQ(s.files["zeros.bin"].data_bytes, 0u) << "all-zero chunks were sent as bytes";
  EXPECT_EQ(s.files["zeros.bin"].hole_bytes, 300u * 1024);

  const Received& n = s.files["noise.bin"];
  std::string rebuilt;
  for (const auto& [offset, bytes] : n.data) {
    EXPECT_EQ(offset, rebuilt.size());
    rebuilt += bytes;
  }
  EXPECT_EQ(rebuilt, noise);
}

TEST_F(WriteSetTest, WhatCannotBeSentIsNamedAndTheWalkGoesOn) {
  ASSERT_EQ(mkfifo((m_dir + "/pipe").c_str(), 0644), 0);
  write_at("a-first.bin", 0, random_bytes(100 * 1024, 2));
  write_at("b-second.bin", 0, random_bytes(100 * 1024, 3));  // past a 150 KiB limit
  write_at("c-sparse.bin", 0, "", static_cast<off_t>(k_gib));  // no data: fits any limit
  write_at("d-small.txt", 0, "ok\n");
  Stream s = send(150 * 1024);
  ASSERT_TRUE(s.ended) << s.error;
  ASSERT_EQ(s.unsent.count("pipe"), 1u);
  EXPECT_NE(s.unsent["pipe"].find("fifo"), std::string::npos);
  ASSERT_EQ(s.unsent.count("b-second.bin"), 1u);
  EXPECT_NE(s.unsent["b-second.bin"].find("limit"), std::string::npos) << s.unsent["b-second.bin"];
  EXPECT_EQ(s.files.count("b-second.bin"), 0u) << "a file past the limit was sent";
  EXPECT_EQ(s.files["a-first.bin"].data_bytes, 100u * 1024);
  EXPECT_EQ(s.files["c-sparse.bin"].hole_bytes, k_gib);
  EXPECT_EQ(s.files["d-small.txt"].data_bytes, 3u);
}

}  // namespace
}  // namespace vg::guest
