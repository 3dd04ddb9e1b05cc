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

#include "config/owned.hpp"
#include "sandbox/policy/glob.hpp"
#include "sandbox/policy/quarantine.hpp"

namespace fs = std::filesystem;
using vg::sandbox::Change;
namespace policy = vg::sandbox::policy;

namespace {

class PolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vg-policy-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    m_root = tmpl;
    upper = m_root + "/upper";
    ws = m_root + "/ws";
    outside = m_root + "/outside";
    fs::create_directories(upper);
    fs::create_directories(ws);
    fs::create_directories(outside);
    rules.quarantine_base = m_root + "/quarantine";
  }
  void TearDown() override {
    if (HasFailure()) {
      std::fprintf(stderr, "test directory kept: %s\n", m_root.c_str());
    } else {
      fs::remove_all(m_root);
    }
  }
  static void write(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << text;
  }
  static std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  policy::Report commit() {
    auto r = policy::commit_write_set(upper, ws, rules);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : policy::Report{};
  }
  static const Change* find(const policy::Report& r, const std::string& path) {
    for (const auto& c : r.changes) {
      if (c.path == path) return &c;
    }
    return nullptr;
  }
  // Set the ctime of everything in the workspace in the past relative to the run.
  void start_run() {
    usleep(20000);
    clock_gettime(CLOCK_REALTIME_COARSE, &rules.started_at);
    usleep(20000);
  }

  std::string m_root, upper, ws, outside;
  policy::Rules rules;
};

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

// --- symlinks are judged as the kernel will resolve them after the commit

TEST_F(PolicyTest, LinkClimbingOutThroughAnotherNewLinkIsRefused) {
  // Each link alone looks harmless to a lexical check; together notes.txt
  // reaches outside/file, because ".." is taken after `up` resolved (to the root).
  write(outside + "/file", "outside");
  fs::create_directories(upper + "/a/b/c");
  fs::create_symlink("../../..", upper + "/a/b/c/up");
  fs::create_symlink("a/b/c/up/../outside/file", upper + "/notes.txt");
  // Sorted before a/: judged before any of the run's directories reach the host.
  fs::create_symlink("a/b/c/up/../outside/file", upper + "/README");
  auto r = commit();
  // The attempt is real: with `up` committed, the path notes.txt names leads to the outside file.
  ASSERT_TRUE(fs::is_symlink(ws + "/a/b/c/up"));
  ASSERT_EQ(fs::canonical(ws + "/a/b/c/up/../outside/file"), fs::canonical(outside + "/file"));
  ASSERT_NE(find(r, "notes.txt"), nullptr);
  EXPECT_FALSE(find(r, "notes.txt")->accepted);
  EXPECT_NE(find(r, "notes.txt")->reason.find("through another symlink"), std::string::npos)
      << find(r, "notes.txt")->reason;
  EXPECT_NE(find(r, "notes.txt")->reason.find("a/b/c/up"), std::string::npos);
  ASSERT_NE(find(r, "README"), nullptr);
  EXPECT_FALSE(find(r, "README")->accepted);
  EXPECT_EQ(find(r, "README")->reason.find("removed"), std::string::npos) << "refused only after the commit";
  EXPECT_FALSE(fs::exists(fs::symlink_status(ws + "/README")));
  EXPECT_FALSE(fs::exists(fs::symlink_status(ws + "/notes.txt")));
  // A write to the name on the host creates a file in the workspace, nothing outside.
  write(ws + "/notes.txt", "host write");
  EXPECT_EQ(read(outside + "/file"), "outside");
  EXPECT_TRUE(fs::is_symlink(r.quarantine + "/notes.txt"));
}

TEST_F(PolicyTest, ChainOfThreeLinksClimbingOutIsRefusedAndTheShorterOneAccepted) {
  fs::create_directories(upper + "/d/e");
  fs::create_symlink("l2", upper + "/l1");
  fs::create_symlink("d/l3", upper + "/l2");
  fs::create_symlink("e/l4", upper + "/d/l3");
  fs::create_symlink("../../../outside", upper + "/d/e/l4");
  fs::create_symlink("../../inside", upper + "/d/e/ok4");
  fs::create_symlink("d/e/ok4", upper + "/ok");
  auto r = commit();
  for (const char* p : {"l1", "l2", "d/l3", "d/e/l4"}) {
    ASSERT_NE(find(r, p), nullptr) << p;
    EXPECT_FALSE(find(r, p)->accepted) << p;
    EXPECT_FALSE(fs::is_symlink(ws + "/" + p)) << p;
  }
  EXPECT_NE(find(r, "l1")->reason.find("via d/e/l4"), std::string::npos) << find(r, "l1")->reason;
  EXPECT_TRUE(fs::is_symlink(ws + "/ok"));
  EXPECT_TRUE(fs::is_symlink(ws + "/d/e/ok4"));
}

TEST_F(PolicyTest, LinkThroughANewDirectoryThenDotDotIsJudgedFromThatDirectory) {
  fs::create_directories(upper + "/n");
  fs::create_symlink("n/../../outside/file", upper + "/out");
  fs::create_symlink("n/../inside.txt", upper + "/in");
  auto r = commit();
  EXPECT_FALSE(find(r, "out")->accepted);
  EXPECT_NE(find(r, "out")->reason.find("climbs out"), std::string::npos);
  EXPECT_FALSE(fs::is_symlink(ws + "/out"));
  EXPECT_TRUE(find(r, "in")->accepted);
  EXPECT_TRUE(fs::is_symlink(ws + "/in"));
}

TEST_F(PolicyTest, AbsoluteTargetInsideTheVolumeThroughANewEscapingLinkIsRefused) {
  rules.sandbox_root = "/sandbox/ws";  // where the workspace appears inside the sandbox
  write(outside + "/file", "outside");
  write(ws + "/lib/a.txt", "a");
  fs::create_symlink("../outside", upper + "/out");
  fs::create_symlink("/sandbox/ws/out/file", upper + "/via");
  fs::create_symlink("/sandbox/ws/lib/a.txt", upper + "/ok");
  fs::create_symlink(ws + "/lib/a.txt", upper + "/host_path");  // not where the volume is inside
  auto r = commit();
  EXPECT_FALSE(find(r, "out")->accepted);
  EXPECT_FALSE(find(r, "via")->accepted);
  EXPECT_NE(find(r, "via")->reason.find("via out"), std::string::npos) << find(r, "via")->reason;
  EXPECT_FALSE(fs::is_symlink(ws + "/via"));
  EXPECT_TRUE(find(r, "ok")->accepted);
  EXPECT_TRUE(fs::is_symlink(ws + "/ok"));
  EXPECT_FALSE(find(r, "host_path")->accepted);
  EXPECT_NE(find(r, "host_path")->reason.find("points outside"), std::string::npos);
}

TEST_F(PolicyTest, LinkIntoADirectoryTheRunReplacedByALinkIsRefused) {
  // a/b/c was a directory on the host; the run made it a link to the root
  // (harmless alone) and pointed notes at a/b/c/../outside/file.
  write(outside + "/file", "outside");
  write(ws + "/a/b/c/kept.txt", "k");
  start_run();
  fs::create_directories(upper + "/a/b");
  fs::create_symlink("../..", upper + "/a/b/c");
  fs::create_symlink("a/b/c/../outside/file", upper + "/notes");
  auto r = commit();
  ASSERT_TRUE(fs::is_symlink(ws + "/a/b/c"));  // the replacement itself stays inside
  ASSERT_EQ(fs::canonical(ws + "/a/b/c/../outside/file"), fs::canonical(outside + "/file"));
  ASSERT_NE(find(r, "notes"), nullptr);
  EXPECT_FALSE(find(r, "notes")->accepted);
  EXPECT_FALSE(fs::exists(fs::symlink_status(ws + "/notes")));
}

TEST_F(PolicyTest, LinkRelyingOnARelativeHostLinkThatLeadsOutIsRefused) {
  write(outside + "/file", "outside");
  fs::create_symlink("../outside", ws + "/door");
  fs::create_symlink("door/file", upper + "/via");
  auto r = commit();
  EXPECT_FALSE(find(r, "via")->accepted);
  EXPECT_NE(find(r, "via")->reason.find("via door"), std::string::npos) << find(r, "via")->reason;
  EXPECT_FALSE(fs::is_symlink(ws + "/via"));
}

TEST_F(PolicyTest, RenamingALinkJudgesItFromItsNewDirectory) {
  // a/b/up -> ../.. is the root; renamed to the top it is the root's parent.
  fs::create_directories(ws + "/a/b");
  fs::create_symlink("../..", ws + "/a/b/up");
  start_run();
  fs::create_symlink("../..", upper + "/up");
  if (geteuid() == 0) {
    fs::create_directories(upper + "/a/b");
    ASSERT_EQ(mknod((upper + "/a/b/up").c_str(), S_IFCHR | 0600, makedev(0, 0)), 0);
  }
  auto r = commit();
  ASSERT_NE(find(r, "up"), nullptr);
  EXPECT_FALSE(find(r, "up")->accepted);
  EXPECT_NE(find(r, "up")->reason.find("climbs out"), std::string::npos);
  EXPECT_FALSE(fs::exists(fs::symlink_status(ws + "/up")));
  EXPECT_TRUE(fs::is_symlink(r.quarantine + "/up"));
}

TEST_F(PolicyTest, LinkLoopsAreRefusedAndFortyLinksAreFollowedAsTheKernelDoes) {
  fs::create_symlink("b", upper + "/a");
  fs::create_symlink("a", upper + "/b");
  fs::create_symlink("self", upper + "/self");
  write(upper + "/end.txt", "end");
  // c0 -> c1 -> ... -> c40 -> end.txt: c1 takes 40 links to resolve, c0 takes 41.
  for (int i = 0; i <= 40; ++i) {
    fs::create_symlink(i == 40 ? "end.txt" : "c" + std::to_string(i + 1), upper + "/c" + std::to_string(i));
  }
  auto r = commit();
  for (const char* p : {"a", "b", "self", "c0"}) {
    ASSERT_NE(find(r, p), nullptr) << p;
    EXPECT_FALSE(find(r, p)->accepted) << p;
    EXPECT_NE(find(r, p)->reason.find("loop"), std::string::npos) << p << ": " << find(r, p)->reason;
  }
  EXPECT_TRUE(find(r, "c1")->accepted);
  // The kernel agrees: c1 opens, and c1's target with one more link in front would not.
  EXPECT_EQ(read(ws + "/c1"), "end");
  fs::create_symlink("c1", ws + "/probe");
  int fd = open((ws + "/probe").c_str(), O_RDONLY | O_CLOEXEC);
  EXPECT_EQ(fd, -1);
  EXPECT_EQ(errno, ELOOP);
  if (fd >= 0) close(fd);
}

TEST_F(PolicyTest, HarmlessRelativeLinksAreAccepted) {
  write(upper + "/lib/lib.so.1", "elf");
  fs::create_symlink("lib.so.1", upper + "/lib/lib.so");
  fs::create_directories(upper + "/releases/3");
  fs::create_symlink("releases/3", upper + "/current");
  fs::create_directories(upper + "/bin");
  fs::create_symlink("../libexec/tool", upper + "/bin/tool");  // dangling, inside
  fs::create_symlink(ws + "/lib/lib.so.1", upper + "/abs");   // absolute, inside
  auto r = commit();
  EXPECT_EQ(r.refused, 0) << policy::format_report(r, true);
  EXPECT_EQ(read(ws + "/lib/lib.so"), "elf");
  EXPECT_TRUE(fs::is_directory(ws + "/current"));
  EXPECT_TRUE(fs::is_symlink(ws + "/bin/tool"));
  EXPECT_EQ(read(ws + "/abs"), "elf");
}

TEST_F(PolicyTest, CommittedLinkThatLeadsOutOnceAChangeIsRefusedIsRemoved) {
  // On the host d leads outside. The run replaced d by a directory and made
  // l -> d/x, fine in the run's view; but d is excluded, so the replacement
  // is refused and d stays the host's link: l would lead outside.
  rules.exclude = {"d"};
  write(outside + "/x", "outside");
  fs::create_symlink("../outside", ws + "/d");
  start_run();
  write(upper + "/d/x", "inside");
  fs::create_symlink("d/x", upper + "/l");
  auto r = commit();
  ASSERT_TRUE(fs::is_symlink(ws + "/d"));
  ASSERT_EQ(fs::canonical(ws + "/d/x"), fs::canonical(outside + "/x"));  // the attempt was real
  ASSERT_NE(find(r, "l"), nullptr);
  EXPECT_FALSE(find(r, "l")->accepted);
  EXPECT_NE(find(r, "l")->reason.find("removed"), std::string::npos) << find(r, "l")->reason;
  EXPECT_FALSE(fs::exists(fs::symlink_status(ws + "/l")));
  EXPECT_TRUE(fs::is_symlink(r.quarantine + "/l"));
  EXPECT_NE(read(r.quarantine + "/manifest.tsv").find("refused\tsymlink\tl\t"), std::string::npos);
  EXPECT_EQ(r.accepted, 0);
  EXPECT_EQ(r.refused, static_cast<int>(r.changes.size()));
  EXPECT_EQ(read(outside + "/x"), "outside");
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

// --- a run's new links must not lead the host's existing links out

TEST_F(PolicyTest, NewLinkThatLeadsAnExistingHostLinkOutIsRefused) {
  // Across two runs: `l -> x/../outside/file` dangles harmlessly (x is
  // missing), then a run adds `x -> .`; with it, l climbs out through x.
  write(outside + "/file", "outside");
  fs::create_symlink("x/../outside/file", ws + "/l");
  fs::create_symlink(".", upper + "/x");
  auto r = commit();
  ASSERT_NE(find(r, "x"), nullptr);
  EXPECT_FALSE(find(r, "x")->accepted);
  EXPECT_NE(find(r, "x")->reason.find("existing link l"), std::string::npos) << find(r, "x")->reason;
  EXPECT_FALSE(fs::exists(fs::symlink_status(ws + "/x")));
  // The attempt is real: with x committed, l would name the outside file.
  fs::create_symlink(".", ws + "/x-probe");
  EXPECT_EQ(fs::weakly_canonical(ws + "/x-probe/../outside/file"), fs::weakly_canonical(outside + "/file"));
}

TEST_F(PolicyTest, NewLinksThatLeaveHostLinksInsideAreAccepted) {
  // pnpm-style links to shallower directories, with host links using "..".
  fs::create_directories(ws + "/packages/shared");
  fs::create_directories(ws + "/app/node_modules/.bin");
  fs::create_symlink("../tool/bin.js", ws + "/app/node_modules/.bin/tool");
  fs::create_directories(upper + "/app/node_modules");
  fs::create_symlink("../../packages/shared", upper + "/app/node_modules/shared");
  auto r = commit();
  ASSERT_NE(find(r, "app/node_modules/shared"), nullptr);
  EXPECT_TRUE(find(r, "app/node_modules/shared")->accepted) << find(r, "app/node_modules/shared")->reason;
  EXPECT_TRUE(fs::is_symlink(ws + "/app/node_modules/shared"));
}

// --- the quarantine is bounded

TEST_F(PolicyTest, QuarantineRemovesTheOldestRunsToStayUnderItsCapAndSaysSo) {
  std::string base = rules.quarantine_base;
  fs::create_directories(base + "/20200101-000000-1");
  write(base + "/20200101-000000-1/old.bin", std::string(48 * 1024, 'o'));
  fs::create_directories(base + "/20990101-000000-2");  // a newer run: kept
  write(base + "/20990101-000000-2/new.bin", std::string(4 * 1024, 'n'));
  write(upper + "/refused.bin", std::string(32 * 1024, 'r'));
  policy::Item it;
  it.change.path = "refused.bin";
  it.type = policy::EntryType::regular;
  it.mode = 0644;
  vg::UniqueFd up(open(upper.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  policy::Quarantine q(base, 80 * 1024);
  ASSERT_TRUE(q.keep(up.get(), it, "refused", "test"));
  EXPECT_TRUE(fs::exists(q.dir() + "/refused.bin"));
  EXPECT_FALSE(fs::exists(base + "/20200101-000000-1")) << "the oldest run should have made room";
  EXPECT_TRUE(fs::exists(base + "/20990101-000000-2"));
  ASSERT_EQ(q.notes().size(), 1u);
  EXPECT_NE(q.notes()[0].find("removed the oldest quarantine"), std::string::npos) << q.notes()[0];
}

TEST_F(PolicyTest, ChangeLargerThanTheQuarantineCapIsListedNotKept) {
  write(upper + "/huge.bin", std::string(96 * 1024, 'h'));
  policy::Item it;
  it.change.path = "huge.bin";
  it.type = policy::EntryType::regular;
  it.mode = 0644;
  vg::UniqueFd up(open(upper.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  policy::Quarantine q(rules.quarantine_base, 64 * 1024);
  auto kept = q.keep(up.get(), it, "refused", "too big");
  ASSERT_FALSE(kept);
  EXPECT_NE(kept.error().message.find("cap"), std::string::npos) << kept.error().message;
  EXPECT_FALSE(fs::exists(q.dir() + "/huge.bin"));
  std::ifstream manifest(q.dir() + "/manifest.tsv");
  std::string line;
  std::getline(manifest, line);
  EXPECT_NE(line.find("huge.bin"), std::string::npos) << line;
  EXPECT_NE(line.find("not kept"), std::string::npos) << line;
}

TEST_F(PolicyTest, ManyRefusedEntriesCostTheQuarantineNoFileEachPastTheCap) {
  // FIFOs are listed, never copied; and past k_quarantine_max_entries a
  // run's refused files are listed without their content.
  for (int i = 0; i < 50; ++i) {
    std::string fifo = upper + "/f" + std::to_string(i);
    ASSERT_EQ(mkfifo(fifo.c_str(), 0644), 0);
  }
  auto r = commit();
  ASSERT_FALSE(r.quarantine.empty());
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(r.quarantine)) files += e.path().filename() != "manifest.tsv";
  EXPECT_EQ(files, 0u) << "a FIFO took a file of its own in the quarantine";
  std::ifstream manifest(r.quarantine + "/manifest.tsv");
  std::string line;
  int lines = 0;
  while (std::getline(manifest, line)) ++lines;
  EXPECT_EQ(lines, 50);
}
