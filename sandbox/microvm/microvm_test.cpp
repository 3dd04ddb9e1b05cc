// Unit tests of the microVM backend's pieces that need no VM: accelerator
// choice, initramfs writing, module ordering, the pool's wire format.
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "sandbox/microvm/accel.hpp"
#include "sandbox/microvm/cpio.hpp"
#include "sandbox/microvm/modules.hpp"
#include "sandbox/microvm/pool_wire.hpp"

namespace vg::sandbox::microvm {
namespace {

TEST(MicrovmAccel, PvmFallsBackToTcgWithOneWarning) {
  std::string warning;
  auto a = choose_accel("auto", AccelProbe{true, true}, warning);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, Accel::tcg);
  EXPECT_NE(warning.find("PVM"), std::string::npos) << warning;
  EXPECT_EQ(warning.find('\n'), std::string::npos);
}

TEST(MicrovmAccel, UsableKvmIsUsedSilently) {
  std::string warning;
  auto a = choose_accel("auto", AccelProbe{true, false}, warning);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, Accel::kvm);
  EXPECT_TRUE(warning.empty());
}

TEST(MicrovmAccel, RequireKvmRefusesWithoutUsableKvm) {
  std::string warning;
  EXPECT_FALSE(choose_accel("require-kvm", AccelProbe{true, true}, warning).ok());
  auto none = choose_accel("require-kvm", AccelProbe{false, false}, warning);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("not run"), std::string::npos);
  EXPECT_TRUE(choose_accel("require-kvm", AccelProbe{true, false}, warning).ok());
}

TEST(MicrovmAccel, TcgIsSilentAndUnknownValuesAreErrors) {
  std::string warning;
  auto a = choose_accel("tcg", AccelProbe{false, false}, warning);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, Accel::tcg);
  EXPECT_TRUE(warning.empty());
  auto bad = choose_accel("kvmm", AccelProbe{}, warning);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("unknown value 'kvmm'"), std::string::npos);
}

TEST(MicrovmCpio, EntriesAreNewcWithPaddingAndTrailer) {
  CpioWriter w;
  w.file("init", "abc", 0755);
  w.symlink("bin/sh", "busybox");
  std::string a = w.finish();
  ASSERT_EQ(a.substr(0, 6), "070701");
  EXPECT_EQ(a.size() % 4, 0u);
  // mode of the first entry: regular file 0755.
  EXPECT_EQ(a.substr(14, 8), "000081ED");
  // file size 3, name size 5 ("init\0").
  EXPECT_EQ(a.substr(54, 8), "00000003");
  EXPECT_EQ(a.substr(94, 8), "00000005");
  EXPECT_EQ(a.substr(110, 5), std::string("init\0", 5));
  EXPECT_NE(a.find("abc"), std::string::npos);
  EXPECT_NE(a.find("TRAILER!!!"), std::string::npos);
  EXPECT_NE(a.find("busybox"), std::string::npos);
}

TEST(MicrovmModules, DependenciesLoadFirstAndOnce) {
  std::map<std::string, std::vector<std::string>> deps = {
      {"9p", {"9pnet", "fscache", "netfs"}}, {"9pnet", {}},           {"fscache", {"netfs"}}, {"netfs", {}},
      {"virtio_ring", {}},                   {"virtio", {"virtio_ring"}}, {"9pnet_virtio", {"virtio", "9pnet", "virtio_ring"}},
  };
  auto order = load_order({"9pnet_virtio", "9p"}, deps);
  ASSERT_TRUE(order.ok()) << order.error().message;
  auto pos = [&](const std::string& m) { return std::find(order->begin(), order->end(), m) - order->begin(); };
  EXPECT_EQ(order->size(), 7u);
  EXPECT_LT(pos("virtio_ring"), pos("virtio"));
  EXPECT_LT(pos("virtio"), pos("9pnet_virtio"));
  EXPECT_LT(pos("netfs"), pos("fscache"));
  EXPECT_LT(pos("fscache"), pos("9p"));
}

TEST(MicrovmModules, MissingModuleAndCyclesAreErrors) {
  auto missing = load_order({"overlay"}, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("'overlay'"), std::string::npos);
  auto cycle = load_order({"a"}, {{"a", {"b"}}, {"b", {"a"}}});
  EXPECT_FALSE(cycle.ok());
}

TEST(MicrovmModules, NonElfInputIsAnErrorNotACrash) {
  EXPECT_FALSE(module_depends("").ok());
  EXPECT_FALSE(module_depends(std::string(100, 'x')).ok());
  std::string fake = "\x7f" "ELF";
  fake += std::string(200, '\xff');
  fake[4] = 2;  // ELFCLASS64 with a garbage section table
  EXPECT_FALSE(module_depends(fake).ok());
}

TEST(MicrovmPoolWire, LinesCarryADescriptor) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  int pipefd[2];
  ASSERT_EQ(pipe(pipefd), 0);
  ASSERT_TRUE(wire::send_line(sv[0], "vm\t42\t/run/x", pipefd[1]));
  std::string line;
  int fd = -1;
  ASSERT_TRUE(wire::read_line(sv[1], line, 1000, &fd));
  EXPECT_EQ(line, "vm\t42\t/run/x");
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "z", 1), 1);  // the received fd is the pipe's write end
  char c = 0;
  ASSERT_EQ(read(pipefd[0], &c, 1), 1);
  EXPECT_EQ(c, 'z');
  auto f = wire::fields(line);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[1], "42");
  for (int x : {sv[0], sv[1], pipefd[0], pipefd[1], fd}) close(x);
}

TEST(MicrovmPoolWire, SilentPeerTimesOut) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  std::string line;
  EXPECT_FALSE(wire::read_line(sv[1], line, 50));
  close(sv[0]);
  EXPECT_FALSE(wire::read_line(sv[1], line, 50));
  close(sv[1]);
}

}  // namespace
}  // namespace vg::sandbox::microvm
