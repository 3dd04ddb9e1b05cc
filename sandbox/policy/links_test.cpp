// The policy engine's judgement of links: as the kernel resolves them once
// the write set is committed, and what they do to the host's own links.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "sandbox/policy/policy_test_fixture.hpp"

namespace vg::sandbox::policy::test {
namespace {

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

}  // namespace
}  // namespace vg::sandbox::policy::test
