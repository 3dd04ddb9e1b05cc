// From a traced path in the sandbox to the host file it is: checked on real
// plans, without starting a sandbox.
#include "sandbox/namespace/trace_map.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace vg::sandbox::ns {
namespace {

namespace fs = std::filesystem;

class TraceMap : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vg-trace-map-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root = fs::canonical(tmpl).string();
    ws = root + "/ws";
    home = root + "/home";
    data = root + "/data";
    fs::create_directories(ws);
    fs::create_directories(home + "/.ssh");
    fs::create_directories(data);
    std::ofstream(ws + "/.env") << "SECRET=1\n";
    spec.argv = {"true"};
    spec.workspace = ws;
    spec.cwd = ws;
    spec.env = {"HOME=" + home, "PATH=/usr/bin:/bin"};
    spec.profile.volumes.push_back({data, "/mnt/data", config::VolumeMode::ro});
    auto p = make_plan(spec);
    ASSERT_TRUE(p) << p.error().message;
    plan = std::move(*p);
  }
  void TearDown() override {
    for (int fd : plan.tree_fds) close(fd);
    fs::remove_all(root);
  }
  std::string root, ws, home, data;
  Spec spec;
  Plan plan;
};

TEST_F(TraceMap, TheWorkspaceAndSystemDirectoriesAreTheHostsFiles) {
  EXPECT_EQ(host_path_of(plan, ws + "/src/main.c"), ws + "/src/main.c");
  EXPECT_EQ(host_path_of(plan, ws), ws);
  EXPECT_EQ(host_path_of(plan, "/usr/bin/cat"), "/usr/bin/cat");
  EXPECT_EQ(host_path_of(plan, "/etc/ld.so.cache"), "/etc/ld.so.cache");
}

TEST_F(TraceMap, AVolumeIsItsSource) {
  EXPECT_EQ(host_path_of(plan, "/mnt/data/table.csv"), data + "/table.csv");
}

TEST_F(TraceMap, TheSandboxesOwnFilesAreNoHostFiles) {
  for (std::string p : {std::string("/tmp/x"), std::string("/proc/self/status"), std::string("/dev/null"),
                        std::string("/dev/fd/0"), home + "/.bashrc", home + "/.ssh/id_ed25519", ws + "/.env",
                        std::string("/")}) {
    EXPECT_EQ(host_path_of(plan, p), "") << p;
  }
}

TEST_F(TraceMap, TopLevelLinksAreTheHostsOwn) {
  if (!fs::is_symlink("/bin")) GTEST_SKIP() << "/bin is not a link here (no merged /usr)";
  EXPECT_EQ(host_path_of(plan, "/bin/sh"), "/bin/sh");
}

TEST_F(TraceMap, HostInputsDropPrivatePathsAndMergeUses) {
  trace::Trace t;
  t.paths = {{ws + "/a.txt", trace::Use::read}, {"/tmp/scratch", trace::Use::read}, {ws + "/.env", trace::Use::read},
             {"/mnt/data/t.csv", trace::Use::probed}};
  auto in = host_inputs(plan, t);
  ASSERT_EQ(in.size(), 2u);
  EXPECT_EQ(in[0].first, data + "/t.csv");
  EXPECT_EQ(in[0].second, trace::Use::probed);
  EXPECT_EQ(in[1].first, ws + "/a.txt");
}

}  // namespace
}  // namespace vg::sandbox::ns
