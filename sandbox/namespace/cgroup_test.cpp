// Where a run's cgroup goes, on directory trees laid out like cgroup file
// systems (systemd's documented v2 layout; a v1 controller), and what the
// user is told when no whole-sandbox limit can be had.
#include "sandbox/namespace/cgroup.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using vg::sandbox::ns::Cgroup;
using vg::sandbox::ns::CgroupSystem;
using vg::sandbox::ns::choose_v2_parent;
using vg::sandbox::ns::Limits;

namespace {

constexpr const char* k_user_scope = "/user.slice/user-1000.slice/user@1000.service/app.slice/vte-spawn-1.scope";
constexpr const char* k_session_scope = "/user.slice/user-1000.slice/session-2.scope";
constexpr const char* k_manager = "/user.slice/user-1000.slice/user@1000.service";

class CgroupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vg-cgroup-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root = tmpl;
    system.root = root;
    system.version = CgroupSystem::Version::v2;
    system.uid = geteuid();  // this test's files stand for the user's
  }
  void TearDown() override {
    if (HasFailure()) {
      std::fprintf(stderr, "kept test directory: %s\n", root.c_str());
    } else {
      fs::remove_all(root);
    }
  }
  // A cgroup at `path` passing `controllers` on; `delegated`: ours to write
  // (its cgroup.procs and directory writable), else the system's (read-only).
  void cgroup(const std::string& path, const std::string& controllers, bool delegated) {
    std::string dir = root + path;
    fs::create_directories(dir);
    for (const char* f : {"cgroup.procs", "cgroup.subtree_control"}) {
      std::string file = dir + "/" + f;
      std::ofstream(file) << (std::string(f) == "cgroup.subtree_control" ? controllers + "\n" : "");
      chmod(file.c_str(), delegated ? 0644 : 0444);
    }
    chmod(dir.c_str(), delegated ? 0755 : 0555);
  }
  // systemd's layout: the user's manager (delegated) and a login session (not).
  void systemd_layout(const std::string& manager_passes = "cpu memory pids") {
    cgroup("", "cpu io memory pids", false);
    cgroup("/user.slice", "cpu memory pids", false);
    cgroup("/user.slice/user-1000.slice", "cpu memory pids", false);
    cgroup(k_session_scope, "", false);
    cgroup(k_manager, manager_passes, true);
    cgroup(std::string(k_manager) + "/app.slice", "memory pids", true);
    cgroup(k_user_scope, "", true);
  }
  std::string root;
  CgroupSystem system;
};

TEST_F(CgroupTest, OwnCgroupIsUsedWhenItPassesTheControllersOn) {
  cgroup("", "cpu memory pids", false);
  cgroup("/container", "memory pids", true);
  auto p = choose_v2_parent(system, "/container", {"memory", "pids"});
  EXPECT_EQ(p.dir, root + "/container");
  EXPECT_FALSE(p.shared);
  EXPECT_EQ(p.controllers, "memory pids");
  EXPECT_EQ(p.why, "");
}

TEST_F(CgroupTest, AnOrdinaryUserInsideTheUserManagerUsesTheTopOfTheDelegatedSubtree) {
  systemd_layout();
  auto p = choose_v2_parent(system, k_user_scope, {"memory", "pids"});
  // Not under vg's own scope (it holds processes, so it cannot pass
  // controllers on), not under app.slice: at user@1000.service, the common
  // ancestor whose cgroup.procs the user may write.
  EXPECT_EQ(p.dir, root + k_manager + "/vg");
  EXPECT_TRUE(p.shared);
  EXPECT_EQ(p.controllers, "memory pids");
  EXPECT_EQ(p.why, "");
}

TEST_F(CgroupTest, ALoginSessionHasNoDelegatedSubtreeAndTheReasonSaysHowToGetOne) {
  systemd_layout();
  auto p = choose_v2_parent(system, k_session_scope, {"memory"});
  EXPECT_EQ(p.controllers, "");
  EXPECT_NE(p.why.find("vg's cgroup " + root + k_session_scope + " is not writable"), std::string::npos) << p.why;
  EXPECT_NE(p.why.find("no cgroup subtree delegated to this user holds it"), std::string::npos) << p.why;
  if (geteuid() != 0) {
    EXPECT_NE(p.why.find("systemd-run --user --scope"), std::string::npos) << p.why;
  }
}

TEST_F(CgroupTest, ADelegatedTopWithoutTheControllerIsNotUsed) {
  systemd_layout("pids");
  auto p = choose_v2_parent(system, k_user_scope, {"memory"});
  EXPECT_EQ(p.controllers, "");
  EXPECT_NE(p.why.find("nor does the delegated " + root + k_manager + " (cgroup.subtree_control: \"pids\")"),
            std::string::npos)
      << p.why;
}

TEST_F(CgroupTest, WhereEverythingIsWritableTheRootCgroupIsTheTop) {
  // Root: vg in a login session, whose scope holds processes.
  cgroup("", "cpu io memory pids", true);
  cgroup("/user.slice", "memory pids", true);
  cgroup("/user.slice/user-1000.slice", "memory pids", true);
  cgroup(k_session_scope, "", true);
  auto p = choose_v2_parent(system, k_session_scope, {"memory", "pids", "cpu"});
  EXPECT_EQ(p.dir, root + "/vg");
  EXPECT_EQ(p.controllers, "memory pids cpu");
}

TEST_F(CgroupTest, TheRunsCgroupIsMadeInTheSharedOneAndRemovedWithIt) {
  systemd_layout();
  // The kernel would fill a new cgroup with its files; the fake has them ready.
  std::string shared = root + k_manager + "/vg";
  fs::create_directories(shared);
  std::ofstream(shared + "/cgroup.subtree_control") << "memory pids\n";
  system.self = std::string("0::") + k_user_scope + "\n";
  std::string made;
  {
    Cgroup cg(system);
    bool memory_ok = false, pids_ok = false;
    std::vector<std::string> notes;
    cg.create(Limits{256u << 20, 64, 0, 0}, "vg-123-0", memory_ok, pids_ok, notes);
    ASSERT_EQ(cg.dirs().size(), 1u);
    made = cg.dirs()[0];
    EXPECT_EQ(made, shared + "/vg-123-0");
    EXPECT_TRUE(fs::is_directory(made));
  }
  EXPECT_FALSE(fs::exists(made));
}

TEST_F(CgroupTest, NoCgroupMeansOneNotePerLimitThatNoLongerHoldsForTheWholeSandbox) {
  systemd_layout();
  system.self = std::string("0::") + k_session_scope + "\n";
  Cgroup cg(system);
  bool memory_ok = true, pids_ok = true;
  std::vector<std::string> notes;
  cg.create(Limits{256u << 20, 64, 1.5, 0}, "vg-123-0", memory_ok, pids_ok, notes);
  EXPECT_FALSE(cg.active());
  EXPECT_FALSE(memory_ok);
  EXPECT_FALSE(pids_ok);  // RLIMIT_NPROC then: it counts the sandbox's own user namespace only, no note
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0].rfind("resources.memory is enforced per process (RLIMIT_AS), not for the whole sandbox: "
                           "no memory cgroup could be made (vg's cgroup ",
                           0),
            0u)
      << notes[0];
  EXPECT_EQ(notes[1].rfind("resources.cpu is not enforced: no cpu cgroup could be made (", 0), 0u) << notes[1];
  EXPECT_EQ(cg.unenforced().rfind("resources.memory (vg's cgroup ", 0), 0u) << cg.unenforced();
  EXPECT_NE(cg.unenforced().find("), resources.cpu (vg's cgroup "), std::string::npos) << cg.unenforced();
}

TEST_F(CgroupTest, NoLimitsMeansNoCgroupAndNothingUnenforced) {
  systemd_layout();
  system.self = std::string("0::") + k_session_scope + "\n";
  Cgroup cg(system);
  bool memory_ok = true, pids_ok = true;
  std::vector<std::string> notes;
  cg.create(Limits{}, "vg-123-0", memory_ok, pids_ok, notes);
  EXPECT_FALSE(cg.active());
  EXPECT_TRUE(notes.empty());
  EXPECT_EQ(cg.unenforced(), "");
}

TEST_F(CgroupTest, CreatingARunsCgroupSweepsOnlyWhatDeadVgsLeftBeside) {
  // cgroup v1's memory controller: vg's cgroup /a holds leftovers.
  system.version = CgroupSystem::Version::v1;
  system.self = "4:memory:/a\n0::/\n";
  std::string parent = root + "/memory/a";
  fs::create_directories(parent);
  pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  std::string left = parent + "/vg-" + std::to_string(dead) + "-0";
  std::string live = parent + "/vg-1-0";  // pid 1 lives, and started before
  std::string other = parent + "/user-thing";
  for (const auto& d : {left, live, other}) fs::create_directory(d);
  Cgroup cg(system);
  bool memory_ok = false, pids_ok = false;
  std::vector<std::string> notes;
  cg.create(Limits{256u << 20, 0, 0, 0}, "vg-" + std::to_string(getpid()) + "-0", memory_ok, pids_ok, notes);
  ASSERT_EQ(cg.dirs().size(), 1u);
  EXPECT_FALSE(fs::exists(left));
  EXPECT_TRUE(fs::exists(live));
  EXPECT_TRUE(fs::exists(other));
}

}  // namespace
