#include "tests/sandbox/suite.hpp"

#include <cstdlib>
#include <filesystem>

namespace vg::test {

namespace {

// Can the sandbox start at all on this machine? Asked once.
const Ran& startup() {
  static Ran r = [] {
    TempDir dir("startup");
    return run({SandboxTest::driver_path(), "--workspace", dir.path(), "--cwd", dir.path(), "--", "true"});
  }();
  return r;
}

}  // namespace

// The driver and the probe: the build's, or copies named in the
// environment (as_user.sh runs the suites as an ordinary user from copies
// that user can reach).
std::string SandboxTest::driver_path() {
  const char* p = std::getenv("VG_TEST_SANDBOX_RUN");
  return p && *p ? p : VG_SANDBOX_RUN;
}

std::string SandboxTest::probe_path() {
  const char* p = std::getenv("VG_TEST_SANDBOX_PROBE");
  return p && *p ? p : VG_SANDBOX_PROBE;
}

void SandboxTest::SetUp() {
  const Ran& s = startup();
  if (s.exit_code != 0) {
    if (in_ci()) FAIL() << "the namespace sandbox cannot start (required under CI=true): " << s.err;
    GTEST_SKIP() << "the namespace sandbox cannot start here: " << s.err;
  }
  ws = m_root / "ws";
  outside = m_root / "outside";
  home = m_root / "home";
  state = m_root / "state";
  m_outcome = m_root / "outcome.txt";
  for (const auto& d : {ws, outside, home, state}) std::filesystem::create_directories(d);
  write_file(outside + "/passwd", "original\n");
}

std::vector<std::string> SandboxTest::base_env() const {
  return {"HOME=" + home, "XDG_STATE_HOME=" + state, "LC_ALL=C"};
}

std::vector<std::string> SandboxTest::driver(const std::vector<std::string>& opts,
                                             const std::vector<std::string>& cmd) const {
  std::string probe_dir = std::filesystem::path(probe_path()).parent_path();
  std::vector<std::string> argv = {driver_path(), "--workspace", ws,      "--cwd",
                                   ws,             "--outcome",   m_outcome, "--volume",
                                   probe_dir + ":" + probe_dir + ":ro"};
  argv.insert(argv.end(), opts.begin(), opts.end());
  argv.push_back("--");
  argv.insert(argv.end(), cmd.begin(), cmd.end());
  return argv;
}

Ran SandboxTest::sandbox(const std::vector<std::string>& cmd, const std::vector<std::string>& opts,
                         const std::vector<std::string>& env) {
  auto e = base_env();
  e.insert(e.end(), env.begin(), env.end());
  Ran r = run(driver(opts, cmd), e);
  std::string shown = r.out + r.err;
  RecordProperty("output", shown.substr(0, 2000));
  std::printf("[sandbox] exit %d\n%s%s", r.exit_code, r.out.c_str(), r.err.c_str());
  return r;
}

Ran SandboxTest::probe(const std::vector<std::string>& args, const std::vector<std::string>& opts,
                       const std::vector<std::string>& env) {
  std::vector<std::string> cmd = {probe_path()};
  cmd.insert(cmd.end(), args.begin(), args.end());
  return sandbox(cmd, opts, env);
}

void expect_denied(const Ran& r, const std::string& errno_name, int exit_code) {
  EXPECT_EQ(r.exit_code, exit_code) << "the attempt was not denied, or could not be made:\n" << r.out << r.err;
  EXPECT_NE(r.out.find("DENIED"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.out.find("ALLOWED"), std::string::npos) << r.out;
  if (!errno_name.empty()) {
    EXPECT_NE(r.out.find(errno_name), std::string::npos) << r.out;
  }
}

}  // namespace vg::test
