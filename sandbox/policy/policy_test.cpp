// The policy engine on temporary directories: an "upper" directory laid out
// the way overlayfs leaves it, a "workspace" and an "outside" directory that
// must never be touched.
#include "sandbox/policy/policy.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sandbox/policy/glob.hpp"

#include "sandbox/policy/policy_test_fixture.hpp"

namespace vg::sandbox::policy::test {
namespace {


TEST_F(PolicyTest, CreatedFileIsCommittedWithItsMode) {
  write(upper + "/src/new.txt", "hello");
  chmod((upper + "/src/new.txt").c_str(), 0750);
  auto r = commit();
  EXPECT_EQ(read(ws + "/src/new.txt"), "hello");
  EXPECT_EQ(fs::status(ws + "/src/new.txt").permissions(), fs::perms(0750));
  ASSERT_NE(find(r, "src/new.txt"), nullptr);
  EXPECT_TRUE(find(r, "src/new.txt")->accepted);
  EXPECT_EQ(r.refused, 0);
  EXPECT_TRUE(r.quarantine.empty());
}

TEST_F(PolicyTest, ModifiedFileIsReplacedAndUnchangedCopyUpIgnored) {
  write(ws + "/a.txt", "old");
  write(ws + "/same.txt", "same");
  start_run();
  write(upper + "/a.txt", "new");
  write(upper + "/same.txt", "same");
  auto r = commit();
  EXPECT_EQ(read(ws + "/a.txt"), "new");
  ASSERT_NE(find(r, "a.txt"), nullptr);
  EXPECT_EQ(find(r, "a.txt")->kind, Change::Kind::modified);
  EXPECT_EQ(find(r, "same.txt"), nullptr);
}

TEST_F(PolicyTest, ModeChangeIsApplied) {
  write(ws + "/run.sh", "echo");
  chmod((ws + "/run.sh").c_str(), 0644);
  start_run();
  write(upper + "/run.sh", "echo");
  chmod((upper + "/run.sh").c_str(), 0755);
  auto r = commit();
  ASSERT_NE(find(r, "run.sh"), nullptr);
  EXPECT_EQ(find(r, "run.sh")->kind, Change::Kind::mode_changed);
  EXPECT_EQ(fs::status(ws + "/run.sh").permissions(), fs::perms(0755));
}

TEST_F(PolicyTest, WhiteoutDeletesFileAndTree) {
  if (geteuid() != 0) GTEST_SKIP() << "a whiteout (char device 0/0) needs mknod: run as root";
  write(ws + "/gone.txt", "x");
  write(ws + "/dir/inner.txt", "y");
  start_run();
  ASSERT_EQ(mknod((upper + "/gone.txt").c_str(), S_IFCHR | 0600, makedev(0, 0)), 0);
  ASSERT_EQ(mknod((upper + "/dir").c_str(), S_IFCHR | 0600, makedev(0, 0)), 0);
  auto r = commit();
  EXPECT_FALSE(fs::exists(ws + "/gone.txt"));
  EXPECT_FALSE(fs::exists(ws + "/dir"));
  ASSERT_NE(find(r, "dir"), nullptr);
  EXPECT_EQ(find(r, "dir")->kind, Change::Kind::deleted);
}

TEST_F(PolicyTest, OpaqueDirectoryReplacesItsContents) {
  write(ws + "/d/old1", "1");
  write(ws + "/d/old2", "2");
  start_run();
  write(upper + "/d/fresh", "f");
  if (setxattr((upper + "/d").c_str(), "user.overlay.opaque", "y", 1, 0) != 0) {
    GTEST_SKIP() << "user xattrs unsupported on /tmp: " << strerror(errno);
  }
  commit();
  EXPECT_FALSE(fs::exists(ws + "/d/old1"));
  EXPECT_FALSE(fs::exists(ws + "/d/old2"));
  EXPECT_EQ(read(ws + "/d/fresh"), "f");
}

TEST_F(PolicyTest, SymlinkClimbingOutIsRefusedAndQuarantined) {
  fs::create_symlink("../../outside", upper + "/up");
  fs::create_symlink(outside, upper + "/abs");
  fs::create_symlink("sub/../inside.txt", upper + "/ok");
  auto r = commit();
  EXPECT_FALSE(fs::is_symlink(ws + "/up"));
  EXPECT_FALSE(fs::is_symlink(ws + "/abs"));
  EXPECT_TRUE(fs::is_symlink(ws + "/ok"));
  ASSERT_NE(find(r, "up"), nullptr);
  EXPECT_FALSE(find(r, "up")->accepted);
  EXPECT_NE(find(r, "up")->reason.find("climbs out"), std::string::npos) << find(r, "up")->reason;
  EXPECT_NE(find(r, "abs")->reason.find("outside the volume"), std::string::npos);
  ASSERT_FALSE(r.quarantine.empty());
  EXPECT_TRUE(fs::is_symlink(r.quarantine + "/up"));
  EXPECT_NE(read(r.quarantine + "/manifest.tsv").find("refused\tsymlink\tup\t"), std::string::npos);
}

TEST_F(PolicyTest, SymlinkThroughAnExistingEscapingLinkIsRefused) {
  fs::create_symlink(outside, ws + "/door");
  fs::create_symlink("door/passwd", upper + "/via");
  auto r = commit();
  ASSERT_NE(find(r, "via"), nullptr);
  EXPECT_FALSE(find(r, "via")->accepted);
  EXPECT_FALSE(fs::is_symlink(ws + "/via"));
}

TEST_F(PolicyTest, WriteThroughADirectorySwappedForASymlinkIsRefused) {
  // The run wrote d/passwd; meanwhile d became a symlink to the outside.
  start_run();
  write(upper + "/d/passwd", "owned");
  fs::create_symlink(outside, ws + "/d");
  auto r = commit();
  EXPECT_TRUE(fs::is_symlink(ws + "/d"));
  EXPECT_FALSE(fs::exists(outside + "/passwd"));
  ASSERT_NE(find(r, "d/passwd"), nullptr);
  EXPECT_FALSE(find(r, "d/passwd")->accepted);
  EXPECT_EQ(read(r.quarantine + "/d/passwd"), "owned");
}

TEST_F(PolicyTest, SetuidFifoAndDeviceAreRefused) {
  write(upper + "/suid", "#!/bin/sh");
  chmod((upper + "/suid").c_str(), 04755);
  write(upper + "/sgid", "#!/bin/sh");
  chmod((upper + "/sgid").c_str(), 02755);
  ASSERT_EQ(mkfifo((upper + "/pipe").c_str(), 0600), 0);
  bool root = geteuid() == 0;
  if (root) {
    ASSERT_EQ(mknod((upper + "/null").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
  }
  auto r = commit();
  for (const char* p : {"suid", "sgid", "pipe"}) {
    ASSERT_NE(find(r, p), nullptr) << p;
    EXPECT_FALSE(find(r, p)->accepted) << p;
    EXPECT_FALSE(fs::exists(ws + "/" + p)) << p;
  }

  EXPECT_NE(find(r, "suid")->reason.find("setuid"), std::string::npos);
  EXPECT_NE(find(r, "pipe")->reason.find("fifo"), std::string::npos);
  // Kept, but without the set-id bit.
  EXPECT_EQ(fs::status(r.quarantine + "/suid").permissions() & fs::perms::set_uid, fs::perms::none);
  if (root) {
    ASSERT_NE(find(r, "null"), nullptr);
    EXPECT_NE(find(r, "null")->reason.find("device"), std::string::npos);
    EXPECT_FALSE(fs::exists(ws + "/null"));
  }
}

TEST_F(PolicyTest, HostEditDuringTheRunIsAConflict) {
  write(ws + "/shared.txt", "before");
  start_run();
  write(ws + "/shared.txt", "host edit");  // the host changed it during the run
  write(upper + "/shared.txt", "sandbox edit");
  auto r = commit();
  EXPECT_EQ(read(ws + "/shared.txt"), "host edit");
  ASSERT_NE(find(r, "shared.txt"), nullptr);
  EXPECT_TRUE(find(r, "shared.txt")->conflict);
  EXPECT_EQ(r.conflicts, 1);
  EXPECT_EQ(read(r.quarantine + "/shared.txt"), "sandbox edit");
  EXPECT_NE(policy::format_report(r, false).find("conflict"), std::string::npos);
}

TEST_F(PolicyTest, RenameIsDetectedAndAppliedAtomically) {
  if (geteuid() != 0) GTEST_SKIP() << "a whiteout needs mknod: run as root";
  write(ws + "/old.txt", "payload");
  struct stat st{};
  ASSERT_EQ(stat((ws + "/old.txt").c_str(), &st), 0);
  start_run();
  write(upper + "/new.txt", "payload");
  timespec times[2] = {st.st_atim, st.st_mtim};  // overlayfs keeps the mtime on copy-up
  ASSERT_EQ(utimensat(AT_FDCWD, (upper + "/new.txt").c_str(), times, 0), 0);
  ASSERT_EQ(mknod((upper + "/old.txt").c_str(), S_IFCHR | 0600, makedev(0, 0)), 0);
  auto r = commit();
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].kind, Change::Kind::renamed);
  EXPECT_EQ(r.changes[0].from, "old.txt");
  struct stat moved{};
  ASSERT_EQ(stat((ws + "/new.txt").c_str(), &moved), 0);
  EXPECT_EQ(moved.st_ino, st.st_ino);  // the same inode: a rename, not a copy
  EXPECT_FALSE(fs::exists(ws + "/old.txt"));
}

TEST_F(PolicyTest, SecretsAndExcludedPathsAreRefused) {
  rules.exclude = {"secrets/**", "*.pem"};
  write(upper + "/.env", "TOKEN=stolen");
  write(upper + "/secrets/key", "k");
  write(upper + "/certs/server.pem", "p");
  write(upper + "/fine.txt", "f");
  auto r = commit();
  EXPECT_FALSE(fs::exists(ws + "/.env"));
  EXPECT_FALSE(fs::exists(ws + "/secrets/key"));
  EXPECT_FALSE(fs::exists(ws + "/certs/server.pem"));
  EXPECT_TRUE(fs::exists(ws + "/fine.txt"));
  EXPECT_NE(find(r, ".env")->reason.find("secret"), std::string::npos);
  EXPECT_NE(find(r, "certs/server.pem")->reason.find("*.pem"), std::string::npos);
}

TEST_F(PolicyTest, FileOverTheSizeLimitIsRefused) {
  rules.max_file_size = 10;
  write(upper + "/big", std::string(11, 'x'));
  write(upper + "/small", "ok");
  auto r = commit();
  EXPECT_FALSE(fs::exists(ws + "/big"));
  EXPECT_TRUE(fs::exists(ws + "/small"));
  EXPECT_NE(find(r, "big")->reason.find("too large"), std::string::npos);
}

TEST_F(PolicyTest, DryRunAppliesNothingButKeepsEverything) {
  rules.apply = policy::Apply::dry_run;
  write(upper + "/out/coverage.json", "{}");
  auto r = commit();
  EXPECT_FALSE(fs::exists(ws + "/out"));
  ASSERT_NE(find(r, "out/coverage.json"), nullptr);
  EXPECT_EQ(read(r.quarantine + "/out/coverage.json"), "{}");
  EXPECT_NE(policy::format_report(r, true).find("out/coverage.json"), std::string::npos);
}

TEST_F(PolicyTest, UnreadableUpperIsAnError) {
  auto r = policy::commit_write_set(m_root + "/missing", ws, rules);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("missing"), std::string::npos);
}

// --- sizes count holes; copies keep them

bool is_sparse(const std::string& path) {
  struct stat st{};
  return stat(path.c_str(), &st) == 0 && st.st_blocks * 512 < st.st_size / 2;
}

std::uint64_t allocated(const std::string& path) {
  struct stat st{};
  return stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_blocks) * 512 : ~0ull;
}

void make_sparse(const std::string& path, off_t size) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, size), 0);
  close(fd);
}

// A file of `size` bytes written in full, then a hole punched over [from, to).
void make_punched(const std::string& path, off_t size, off_t from, off_t to) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  std::string chunk(1 << 20, '\0');
  for (size_t i = 0; i < chunk.size(); ++i) chunk[i] = static_cast<char>('a' + i % 26);
  for (off_t off = 0; off < size; off += static_cast<off_t>(chunk.size())) {
    auto n = static_cast<size_t>(std::min<off_t>(size - off, static_cast<off_t>(chunk.size())));
    ASSERT_EQ(pwrite(fd, chunk.data(), n, off), static_cast<ssize_t>(n));
  }
  ASSERT_EQ(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, from, to - from), 0) << strerror(errno);
  close(fd);
}

TEST_F(PolicyTest, SparseFileOverTheSizeLimitIsRefusedAndKeptSparse) {
  rules.max_file_size = 10 << 20;
  const off_t two_gib = off_t{2} << 30;
  make_sparse(upper + "/big.bin", two_gib);  // truncate -s 2G big.bin
  if (!is_sparse(upper + "/big.bin")) GTEST_SKIP() << "no sparse files on " << upper;
  ASSERT_LT(allocated(upper + "/big.bin"), rules.max_file_size);  // what a block-counting limit sees
  auto r = commit();
  ASSERT_NE(find(r, "big.bin"), nullptr);
  EXPECT_FALSE(find(r, "big.bin")->accepted);
  EXPECT_NE(find(r, "big.bin")->reason.find("too large (2147483648 bytes, 0 of them allocated"), std::string::npos)
      << find(r, "big.bin")->reason;
  EXPECT_FALSE(fs::exists(ws + "/big.bin"));
  EXPECT_EQ(fs::file_size(r.quarantine + "/big.bin"), static_cast<std::uintmax_t>(two_gib));
  EXPECT_LT(allocated(r.quarantine + "/big.bin"), 1u << 20);
}

TEST_F(PolicyTest, PunchedFileOverTheLimitIsRefusedAndItsQuarantineCopyKeepsTheHole) {
  rules.max_file_size = 10 << 20;
  const off_t size = 24 << 20;
  make_punched(upper + "/punched.bin", size, 1 << 20, 23 << 20);
  if (!is_sparse(upper + "/punched.bin")) GTEST_SKIP() << "no hole punching on " << upper;
  ASSERT_LT(allocated(upper + "/punched.bin"), rules.max_file_size);
  auto r = commit();
  EXPECT_FALSE(find(r, "punched.bin")->accepted);
  EXPECT_NE(find(r, "punched.bin")->reason.find("too large"), std::string::npos);
  EXPECT_FALSE(fs::exists(ws + "/punched.bin"));
  const std::string kept = r.quarantine + "/punched.bin";
  EXPECT_EQ(read(kept), read(upper + "/punched.bin"));
  EXPECT_LT(allocated(kept), 4u << 20);
}

TEST_F(PolicyTest, SparseFilesCountTheirFullSizeAgainstTheWriteSetLimit) {
  rules.max_total_size = 10 << 20;  // resources.disk
  make_sparse(upper + "/a.bin", 6 << 20);
  make_sparse(upper + "/b.bin", 6 << 20);
  if (!is_sparse(upper + "/a.bin")) GTEST_SKIP() << "no sparse files on " << upper;
  auto r = commit();
  EXPECT_TRUE(find(r, "a.bin")->accepted);
  EXPECT_FALSE(find(r, "b.bin")->accepted);
  EXPECT_NE(find(r, "b.bin")->reason.find("exceeds the size limit"), std::string::npos) << find(r, "b.bin")->reason;
  EXPECT_FALSE(fs::exists(ws + "/b.bin"));
  EXPECT_EQ(r.total_size, 6u << 20);
  // A later volume of the same run shares the limit.
  policy::Rules next = rules;
  next.total_before = r.total_size;
  fs::remove_all(upper);
  fs::create_directories(upper);
  make_sparse(upper + "/c.bin", 5 << 20);
  auto r2 = policy::commit_write_set(upper, ws, next);
  ASSERT_TRUE(r2.ok());
  EXPECT_FALSE(find(*r2, "c.bin")->accepted);
}

TEST_F(PolicyTest, AcceptedFileWithHolesKeepsThemAndItsBytes) {
  const off_t size = 24 << 20;
  make_punched(upper + "/punched.bin", size, 1 << 20, 23 << 20);
  // Data at both ends and in the middle, holes between.
  {
    int fd = open((upper + "/islands.bin").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(pwrite(fd, "head", 4, 0), 4);
    ASSERT_EQ(pwrite(fd, "middle", 6, 8 << 20), 6);
    ASSERT_EQ(ftruncate(fd, 16 << 20), 0);
    ASSERT_EQ(pwrite(fd, "tail", 4, (16 << 20) - 4), 4);
    close(fd);
  }
  if (!is_sparse(upper + "/punched.bin") || !is_sparse(upper + "/islands.bin")) {
    GTEST_SKIP() << "no sparse files on " << upper;
  }
  auto r = commit();
  EXPECT_EQ(r.refused, 0) << policy::format_report(r, true);
  for (const char* name : {"punched.bin", "islands.bin"}) {
    EXPECT_EQ(fs::file_size(ws + "/" + name), fs::file_size(upper + "/" + name)) << name;
    EXPECT_TRUE(read(ws + "/" + name) == read(upper + "/" + name)) << name << ": content differs";
    EXPECT_LT(allocated(ws + "/" + name), 4u << 20) << name;
  }
}

// --- names the command chose are printed escaped

TEST_F(PolicyTest, NamesCannotForgeOrEraseReportLinesOrManifestRecords) {
  const std::string forged = ".env\rvg: ok: created fine.txt\n\x1b[2K\x1b[1A";
  write(upper + "/" + forged, "TOKEN=x");
  fs::create_symlink("../../outside\tX\nrefused\tsymlink\tforged\treason", upper + "/tab\tlink");
  auto r = commit();
  ASSERT_EQ(r.refused, 2);
  std::string text = policy::format_report(r, false);
  EXPECT_EQ(text.find('\r'), std::string::npos) << text;
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_EQ(text.find('\t'), std::string::npos) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3) << text;  // two refusals and the count
  EXPECT_NE(text.find("\\rvg: ok: created fine.txt\\n\\e[2K\\e[1A"), std::string::npos) << text;
  EXPECT_NE(text.find("tab\\tlink"), std::string::npos) << text;

  std::string manifest = read(r.quarantine + "/manifest.tsv");
  std::istringstream lines(manifest);
  int records = 0;
  for (std::string line; std::getline(lines, line); ++records) {
    EXPECT_EQ(std::count(line.begin(), line.end(), '\t'), 3) << line;
    EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
    EXPECT_EQ(line.find('\r'), std::string::npos) << line;
  }
  EXPECT_EQ(records, 2) << manifest;
  // The entries themselves are kept under their real names.
  EXPECT_EQ(read(r.quarantine + "/" + forged), "TOKEN=x");
}

TEST(Glob, MatchesNamesAtAnyDepthAndAnchoredPatterns) {
  EXPECT_TRUE(policy::glob_match(".env*", ".env"));
  EXPECT_TRUE(policy::glob_match(".env*", "app/.env.local"));
  EXPECT_FALSE(policy::glob_match(".env*", "environment"));
  EXPECT_TRUE(policy::glob_match("secrets/**", "secrets/a/b"));
  EXPECT_FALSE(policy::glob_match("secrets/**", "x/secrets/a"));
  EXPECT_TRUE(policy::glob_match("**/id_rsa", "a/b/id_rsa"));
  EXPECT_TRUE(policy::glob_match("**/id_rsa", "id_rsa"));
  EXPECT_TRUE(policy::glob_match("build", "build/out.o"));
  EXPECT_FALSE(policy::glob_match("", "x"));
}

}  // namespace
}  // namespace vg::sandbox::policy::test
