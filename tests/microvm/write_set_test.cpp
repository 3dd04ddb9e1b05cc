// End-to-end tests of how a run's write set comes back from the guest (label
// "microvm", TCG): sparse files travel and land as holes, never as dense
// copies; a file past the disk limit is refused by the policy engine with
// the rest of the run committed; the tail of the stream survives a host that
// reads it late; a killed vg's run directory is swept by the next run.
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "tests/microvm/fixture.hpp"

namespace vg::microvm_test {
namespace {

constexpr std::uint64_t k_mib = 1ull << 20;
constexpr std::uint64_t k_gib = 1ull << 30;

// Bytes allocated to the regular file `path` (st_blocks), ~0 when missing.
std::uint64_t allocated(const std::string& path) {
  struct stat st{};
  return stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_blocks) * 512 : ~0ull;
}

std::uint64_t apparent(const std::string& path) {
  struct stat st{};
  return stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : ~0ull;
}

// The most bytes any regular file below `dir` has allocated.
std::uint64_t largest_allocation(const std::string& dir) {
  static std::uint64_t most;
  most = 0;
  nftw(
      dir.c_str(),
      [](const char*, const struct stat* st, int type, FTW*) {
        if (type == FTW_F && S_ISREG(st->st_mode)) most = std::max(most, static_cast<std::uint64_t>(st->st_blocks) * 512);
        return 0;
      },
      32, FTW_PHYS);
  return most;
}

std::string read_at(const std::string& path, off_t offset, std::size_t n) {
  std::string out(n, '\0');
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ssize_t got = fd >= 0 ? pread(fd, out.data(), n, offset) : -1;
  if (fd >= 0) close(fd);
  out.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
  return out;
}

// The value printed after `key` on a line of `text` ("" if none).
std::string line_value(const std::string& text, const std::string& key) {
  auto at = text.find(key);
  if (at == std::string::npos) return "";
  at += key.size();
  return text.substr(at, text.find('\n', at) - at);
}

std::string host_md5(const std::string& path) {
  std::string cmd = "md5sum '" + path + "'";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return "";
  char buf[64] = {};
  std::string out = fgets(buf, sizeof buf, p) ? std::string(buf).substr(0, 32) : "";
  pclose(p);
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

TEST_F(Microvm, SparseGigabyteOverTheDiskLimitIsRefusedWithoutADenseCopy) {
  auto a = argv({"sh", "-c", "echo kept > small.txt && truncate -s 1G big.bin && exit 3"});
  a.insert(a.begin() + 1, {"--disk", std::to_string(10 * k_mib)});
  auto begun = std::chrono::steady_clock::now();
  Child c(a, env({"XDG_STATE_HOME=" + m_runtime + "/state"}));
  // Sampled while it runs: the upper directory, the quarantine, the workspace.
  std::uint64_t most = 0;
  while (c.running(100ms) && seconds_since(begun) < 240) {
    most = std::max({most, largest_allocation(m_runtime), largest_allocation(m_workspace)});
  }
  EXPECT_EQ(c.wait(k_run), 3) << c.err;
  std::fprintf(stderr, "run took %.1f s\n", seconds_since(begun));
  most = std::max({most, largest_allocation(m_runtime), largest_allocation(m_workspace)});
  EXPECT_LT(most, 16 * k_mib) << "a dense copy of the sparse file was made on the host";

  // The rest of the run is committed; the sparse file is refused in one line.
  EXPECT_EQ(read_text(m_workspace + "/small.txt"), "kept\n") << c.err;
  EXPECT_FALSE(exists(m_workspace + "/big.bin"));
  EXPECT_NE(c.err.find("vg: refused: created big.bin: write set exceeds the size limit (1073741824 bytes"),
            std::string::npos)
      << c.err;
  EXPECT_NE(c.err.find("change: refused big.bin "), std::string::npos) << c.err;
  EXPECT_EQ(c.err.find("could not be brought back"), std::string::npos) << c.err;

  // Kept in the quarantine, with its hole.
  std::string quarantine = line_value(c.err, "quarantine: ");
  ASSERT_FALSE(quarantine.empty()) << c.err;
  EXPECT_EQ(quarantine.rfind(m_runtime + "/state/", 0), 0u) << quarantine;
  EXPECT_EQ(apparent(quarantine + "/big.bin"), k_gib);
  EXPECT_LT(allocated(quarantine + "/big.bin"), k_mib) << "the quarantine holds a dense copy";
  EXPECT_EQ(count_entries(m_runtime + "/vg/microvm", "run-"), 0) << "run directory left behind";
}

TEST_F(Microvm, SparseFilesKeepTheirHolesWhenCommitted) {
  // A run directory a killed vg left (a pid that no longer exists): swept.
  pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  struct stat ns{};
  ASSERT_EQ(stat("/proc/self/ns/pid", &ns), 0);
  std::string stale = m_runtime + "/vg/microvm/run-" + std::to_string(dead) + "-" + std::to_string(ns.st_ino) + "-stale0";
  for (const std::string& d : {m_runtime + "/vg", m_runtime + "/vg/microvm", stale, stale + "/upper"}) {
    ASSERT_EQ(mkdir(d.c_str(), 0700), 0) << d;
  }
  write_text(stale + "/upper/left.txt", "left by a killed vg\n");

  std::string script =
      "for i in 1 2 3; do truncate -s 300M s$i.bin; done; "
      "echo start > mid.bin; echo end | dd of=mid.bin bs=1 seek=50000000 conv=notrunc 2>/dev/null; "
      "fallocate -l 20M falloc.bin; dd if=/dev/zero of=zeros.bin bs=64k count=100 2>/dev/null; echo done";
  auto begun = std::chrono::steady_clock::now();
  Child c(argv({"sh", "-c", script}), env());
  EXPECT_EQ(c.wait(k_run), 0) << c.err;
  std::fprintf(stderr, "run took %.1f s\n", seconds_since(begun));
  EXPECT_EQ(c.out, "done\n");
  for (int i = 1; i <= 3; ++i) {
    std::string p = m_workspace + "/s" + std::to_string(i) + ".bin";
    EXPECT_EQ(apparent(p), 300 * k_mib) << p;
    EXPECT_LT(allocated(p), k_mib) << p << " was committed dense";
  }
  std::string mid = m_workspace + "/mid.bin";
  EXPECT_EQ(apparent(mid), 50000004u);
  EXPECT_LT(allocated(mid), k_mib) << "the hole in the middle was filled";
  EXPECT_EQ(read_at(mid, 0, 6), "start\n");
  EXPECT_EQ(read_at(mid, 50000000, 4), "end\n");
  EXPECT_EQ(read_at(mid, 25000000, 4), std::string(4, '\0'));
  EXPECT_EQ(apparent(m_workspace + "/falloc.bin"), 20 * k_mib);
  EXPECT_EQ(apparent(m_workspace + "/zeros.bin"), 6553600u);
  EXPECT_LT(largest_allocation(m_workspace), k_mib);
  EXPECT_FALSE(exists(stale)) << "the killed vg's run directory was not swept";
}

TEST_F(Microvm, WriteSetTailArrivesWhenTheHostReadsItLate) {
  // About 2 MB: it fits in the virtio-serial queue and the socket, so a guest
  // that powered off once it had queued its last frame would lose the tail
  // while vg is stopped ("the microVM ended before sending the write set").
  Child c(argv({"sh", "-c", "head -c 2000000 /dev/urandom > r.bin && md5sum r.bin && echo last > z.txt && echo marker"}),
          env());
  ASSERT_TRUE(c.wait_for("marker", k_run)) << c.err;
  ASSERT_EQ(kill(c.pid(), SIGSTOP), 0);
  sleep(4);
  ASSERT_EQ(kill(c.pid(), SIGCONT), 0);
  EXPECT_EQ(c.wait(k_run), 0) << c.err;
  EXPECT_EQ(c.err.find("brought back"), std::string::npos) << c.err;
  ASSERT_GE(c.out.size(), 32u);
  EXPECT_EQ(host_md5(m_workspace + "/r.bin"), c.out.substr(0, 32)) << c.err;
  EXPECT_EQ(read_text(m_workspace + "/z.txt"), "last\n") << c.err;
}

}  // namespace
}  // namespace vg::microvm_test
