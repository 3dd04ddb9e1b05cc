// The sandbox plan, checked without starting a sandbox: ids, namespaces,
// mounts, hidden secrets and precise errors for bad settings.
#include "sandbox/namespace/plan.hpp"

#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using vg::sandbox::Spec;
using vg::sandbox::ns::MountOp;
using vg::sandbox::ns::Plan;

namespace {

class PlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vg-plan-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root = fs::canonical(tmpl).string();
    ws = root + "/ws";
    home = root + "/home";
    fs::create_directories(ws);
    fs::create_directories(home);
    spec.argv = {"true"};
    spec.workspace = ws;
    spec.cwd = ws;
    spec.env = {"HOME=" + home, "PATH=/usr/bin:/bin"};
    // The secret walk's index goes to vg's cache directory: a throwaway one.
    setenv("XDG_CACHE_HOME", (root + "/cache").c_str(), 1);
  }
  void TearDown() override {
    unsetenv("XDG_CACHE_HOME");
    fs::remove_all(root);
  }
  static void touch(const std::string& p) {
    fs::create_directories(fs::path(p).parent_path());
    std::ofstream(p) << "secret";
  }
  Plan plan_ok() {
    auto r = vg::sandbox::ns::make_plan(spec);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : Plan{};
  }
  static const MountOp* find(const Plan& p, MountOp::Kind kind, const std::string& target) {
    for (const auto& m : p.mounts) {
      if (m.kind == kind && m.target == target) return &m;
    }
    return nullptr;
  }
  std::string root, ws, home;
  Spec spec;
};

TEST_F(PlanTest, DefaultsRunAsNobodyWithEveryNamespace) {
  Plan p = plan_ok();
  EXPECT_EQ(p.inner_uid, 65534u);
  // As root, never host root: an id that owns no host file.
  EXPECT_EQ(p.outer_uid, getuid() == 0 ? vg::sandbox::ns::k_root_sandbox_id : getuid());
  for (unsigned long f : {CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWUTS, CLONE_NEWIPC}) {
    EXPECT_TRUE(p.clone_flags & f) << f;
  }
  EXPECT_FALSE(p.seccomp.empty());
  ASSERT_EQ(p.layers.size(), 1u);
  EXPECT_EQ(p.layers[0].host_path, ws);
  EXPECT_NE(find(p, MountOp::Kind::overlay, ws), nullptr);
  EXPECT_NE(find(p, MountOp::Kind::proc, "/proc"), nullptr);
  // /tmp, /dev/shm and a fresh home, all on the upper tmpfs (one disk budget).
  EXPECT_NE(find(p, MountOp::Kind::scratch, "/tmp"), nullptr);
  EXPECT_NE(find(p, MountOp::Kind::scratch, "/dev/shm"), nullptr);
  EXPECT_NE(find(p, MountOp::Kind::scratch, home), nullptr);
  // System directories are plain read-only binds; as root the sandbox is
  // never host root, and the workspace comes as an idmapped tree.
  const MountOp* usr = find(p, MountOp::Kind::bind_ro, "/usr");
  ASSERT_NE(usr, nullptr);
  EXPECT_EQ(usr->tree, -1);
  EXPECT_NE(p.outer_uid, 0u);
  EXPECT_NE(p.outer_gid, 0u);
  EXPECT_EQ(p.maps_by_parent, getuid() == 0);
  EXPECT_EQ(find(p, MountOp::Kind::overlay, ws)->tree, getuid() == 0 ? 0 : -1);
  EXPECT_EQ(p.tree_count, getuid() == 0 ? 1u : 0u);
}

TEST_F(PlanTest, SystemHomeAndRootDirectoriesAreNeverAWritableWorkspace) {
  auto plan_in = [&](const std::string& dir) {
    spec.workspace = dir;
    spec.cwd = dir;
    return plan_ok();
  };
  // A system directory the sandbox shows anyway (read-only, or its own):
  // nothing more of the host, nothing committed.
  for (std::string dir : {"/etc", "/usr/lib", "/tmp", "/proc"}) {
    auto p = plan_in(dir);
    EXPECT_TRUE(p.layers.empty()) << dir;
    EXPECT_EQ(find(p, MountOp::Kind::overlay, dir), nullptr) << dir;
    ASSERT_FALSE(p.notes.empty()) << dir;
    EXPECT_NE(p.notes.back().find("not a project"), std::string::npos) << p.notes.back();
  }
  // Other system directories: an empty place stands in.
  for (std::string dir : {"/root", "/var", "/home"}) {
    auto p = plan_in(dir);
    EXPECT_TRUE(p.layers.empty()) << dir;
    EXPECT_NE(find(p, MountOp::Kind::tmpfs, dir), nullptr) << dir;
    ASSERT_FALSE(p.notes.empty()) << dir;
    EXPECT_NE(p.notes.back().find("empty directory"), std::string::npos) << p.notes.back();
  }
  // The home directory and a directory above it: seen through an overlay
  // that is never committed, not idmapped.
  auto expect_refused = [&](const std::string& dir) {
    auto p = plan_in(dir);
    if (p.layers.empty() && getuid() == 0) {
      // Closed to others (mkdtemp's 0700), as root: an empty place instead.
      EXPECT_NE(find(p, MountOp::Kind::tmpfs, dir), nullptr) << dir;
      return;
    }
    ASSERT_EQ(p.layers.size(), 1u) << dir;
    EXPECT_NE(p.layers[0].refuse_all.find("not a project"), std::string::npos) << dir;
    const MountOp* ov = find(p, MountOp::Kind::overlay, dir);
    ASSERT_NE(ov, nullptr) << dir;
    EXPECT_EQ(ov->tree, -1) << dir << ": not idmapped, so root-only files stay unreadable";
    ASSERT_FALSE(p.notes.empty()) << dir;
    EXPECT_NE(p.notes.back().find("refused and kept aside"), std::string::npos) << p.notes.back();
  };
  expect_refused(home);
  expect_refused(home.substr(0, home.rfind('/')));
  // The root: no workspace mount at all, the sandbox's own root.
  spec.workspace = "/";
  spec.cwd = "/";
  auto p = plan_ok();
  EXPECT_TRUE(p.layers.empty());
  EXPECT_EQ(find(p, MountOp::Kind::bind_ro, "/"), nullptr);
  EXPECT_EQ(find(p, MountOp::Kind::overlay, "/"), nullptr);
}

TEST_F(PlanTest, FullNetworkKeepsTheHostNamespace) {
  spec.profile.network.mode = vg::config::NetworkMode::full;
  EXPECT_FALSE(plan_ok().clone_flags & CLONE_NEWNET);
}

TEST_F(PlanTest, EnvFilesAreHiddenAsEmptyFiles) {
  touch(ws + "/.env");
  touch(ws + "/.env.production");
  touch(ws + "/environment.txt");
  Plan p = plan_ok();
  EXPECT_NE(find(p, MountOp::Kind::hide_file, ws + "/.env"), nullptr);
  EXPECT_NE(find(p, MountOp::Kind::hide_file, ws + "/.env.production"), nullptr);
  EXPECT_EQ(find(p, MountOp::Kind::hide_file, ws + "/environment.txt"), nullptr);
}

TEST_F(PlanTest, EnvFilesAtEveryDepthAreHidden) {
  touch(ws + "/packages/.env");
  touch(ws + "/packages/app/.env.local");
  touch(ws + "/other/.env");
  touch(ws + "/app/api/v1/.env");
  spec.cwd = ws + "/packages/app";
  Plan p = plan_ok();
  EXPECT_NE(find(p, MountOp::Kind::hide_file, ws + "/packages/.env"), nullptr);
  EXPECT_NE(find(p, MountOp::Kind::hide_file, ws + "/packages/app/.env.local"), nullptr);
  EXPECT_NE(find(p, MountOp::Kind::hide_file, ws + "/other/.env"), nullptr);
  EXPECT_NE(find(p, MountOp::Kind::hide_file, ws + "/app/api/v1/.env"), nullptr);
}

TEST_F(PlanTest, HomeSecretsInAVolumeAreHidden) {
  touch(home + "/.ssh/id_ed25519");
  touch(home + "/.aws/credentials");
  touch(home + "/.netrc");
  touch(home + "/.docker/config.json");
  touch(home + "/notes.txt");
  spec.profile.volumes.push_back({home, "/mnt/home", vg::config::VolumeMode::ro});
  Plan p = plan_ok();
  EXPECT_NE(find(p, MountOp::Kind::hide_dir, "/mnt/home/.ssh"), nullptr);
  EXPECT_NE(find(p, MountOp::Kind::hide_dir, "/mnt/home/.aws"), nullptr);
  EXPECT_NE(find(p, MountOp::Kind::hide_file, "/mnt/home/.netrc"), nullptr);
  EXPECT_NE(find(p, MountOp::Kind::hide_file, "/mnt/home/.docker/config.json"), nullptr);
  EXPECT_EQ(find(p, MountOp::Kind::hide_file, "/mnt/home/notes.txt"), nullptr);
  // Hidden after the volume is mounted.
  auto pos = [&](MountOp::Kind k, const std::string& t) { return find(p, k, t) - p.mounts.data(); };
  EXPECT_LT(pos(MountOp::Kind::bind_ro, "/mnt/home"), pos(MountOp::Kind::hide_dir, "/mnt/home/.ssh"));
}

TEST_F(PlanTest, ExcludeGlobsAreHidden) {
  touch(ws + "/certs/server.pem");
  touch(ws + "/secrets/token");
  spec.profile.exclude = {"*.pem", "secrets"};
  Plan p = plan_ok();
  EXPECT_NE(find(p, MountOp::Kind::hide_file, ws + "/certs/server.pem"), nullptr);
  EXPECT_NE(find(p, MountOp::Kind::hide_dir, ws + "/secrets"), nullptr);
}

TEST_F(PlanTest, OverlayVolumeGetsItsOwnLayer) {
  fs::create_directories(root + "/cache");
  spec.profile.volumes.push_back({root + "/cache", "/cache", vg::config::VolumeMode::overlay});
  Plan p = plan_ok();
  ASSERT_EQ(p.layers.size(), 2u);
  EXPECT_EQ(p.layers[1].sandbox_path, "/cache");
  const MountOp* op = find(p, MountOp::Kind::overlay, "/cache");
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->layer, 1);
}

TEST_F(PlanTest, BadSettingsAreNamed) {
  spec.profile.isolation.user = "admin";
  auto r = vg::sandbox::ns::make_plan(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("sandbox.isolation.user"), std::string::npos) << r.error().message;

  spec.profile.isolation.user = "nobody";
  spec.profile.volumes.push_back({root + "/missing", "/x", vg::config::VolumeMode::ro});
  r = vg::sandbox::ns::make_plan(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("sandbox.volumes[0].source"), std::string::npos) << r.error().message;

  spec.profile.volumes[0] = {ws, "relative/path", vg::config::VolumeMode::ro};
  r = vg::sandbox::ns::make_plan(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("sandbox.volumes[0].target"), std::string::npos) << r.error().message;

  spec.profile.volumes.clear();
  spec.argv.clear();
  EXPECT_FALSE(vg::sandbox::ns::make_plan(spec).ok());
}

TEST(RunBegun, ANotedStartIsTakenOnceAndNeverMovesTheClockLater) {
  using vg::sandbox::ns::note_run_begun;
  using vg::sandbox::ns::take_run_begun;
  const timespec now{1000, 500};
  EXPECT_EQ(take_run_begun(now).tv_nsec, 500);  // nothing noted: now
  note_run_begun({999, 900});
  timespec t = take_run_begun(now);
  EXPECT_EQ(t.tv_sec, 999);
  EXPECT_EQ(t.tv_nsec, 900);
  t = take_run_begun(now);  // the note is gone: a second launch starts at its own time
  EXPECT_EQ(t.tv_sec, 1000);
  note_run_begun({1000, 700});  // later than the launch: ignored
  t = take_run_begun(now);
  EXPECT_EQ(t.tv_nsec, 500);
  EXPECT_EQ(take_run_begun(now).tv_nsec, 500);
}

}  // namespace
