#include "config/fd_io.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

namespace vg {
namespace {

struct Pair {
  int fd[2] = {-1, -1};
  Pair() { EXPECT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fd), 0); }
  ~Pair() {
    for (int f : fd) close(f);
  }
};

bool is_open(int fd) { return fcntl(fd, F_GETFD) >= 0; }

TEST(FdIo, DescriptorsTravelWithTheirMessage) {
  Pair p;
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  ASSERT_TRUE(send_with_fds(p.fd[0], "hello", pipe_fds, 2));
  char buf[16];
  int got[2] = {-1, -1};
  std::size_t nfds = 0;
  ASSERT_EQ(recv_with_fds(p.fd[1], buf, sizeof buf, got, 2, nfds), 5);
  EXPECT_EQ(std::string(buf, 5), "hello");
  ASSERT_EQ(nfds, 2u);
  EXPECT_TRUE(fcntl(got[0], F_GETFD) & FD_CLOEXEC) << "received descriptors are close-on-exec";
  // The received write end reaches the original read end.
  ASSERT_EQ(write(got[1], "x", 1), 1);
  char c = 0;
  ASSERT_EQ(read(pipe_fds[0], &c, 1), 1);
  EXPECT_EQ(c, 'x');
  for (int f : {pipe_fds[0], pipe_fds[1], got[0], got[1]}) close(f);
}

TEST(FdIo, ExtraDescriptorsAreClosedAndCounted) {
  Pair p;
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  ASSERT_TRUE(send_with_fds(p.fd[0], "m", pipe_fds, 2));
  char buf[4];
  int got = -1;
  std::size_t nfds = 0;
  ASSERT_EQ(recv_with_fds(p.fd[1], buf, sizeof buf, &got, 1, nfds), 1);
  EXPECT_EQ(nfds, 2u) << "the count says two came";
  ASSERT_GE(got, 0);
  close(got);
  // The second was closed: the pipe's write end now has one holder (ours).
  close(pipe_fds[1]);
  char c;
  EXPECT_EQ(read(pipe_fds[0], &c, 1), 0) << "end of file: no stray copy of the write end is open";
  close(pipe_fds[0]);
}

TEST(FdIo, EndOfStreamAndNothingWaiting) {
  Pair p;
  char buf[4];
  int got = -1;
  std::size_t nfds = 7;
  EXPECT_EQ(recv_with_fds(p.fd[1], buf, sizeof buf, &got, 1, nfds, MSG_DONTWAIT), -1);
  EXPECT_EQ(errno, EAGAIN);
  EXPECT_EQ(nfds, 0u);
  close(p.fd[0]);
  p.fd[0] = -1;
  EXPECT_EQ(recv_with_fds(p.fd[1], buf, sizeof buf, &got, 1, nfds), 0);
  EXPECT_FALSE(is_open(got) && got >= 0);
}

}  // namespace
}  // namespace vg
