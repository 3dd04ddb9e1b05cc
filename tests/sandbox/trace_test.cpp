// Input tracing in the namespace sandbox (sandbox/trace): which host paths a
// run looked at, as the result cache keys on them. Each expectation is a
// real run through the Launcher (vg-sandbox-run --trace).
#include <filesystem>
#include <map>
#include <sstream>

#include "tests/sandbox/suite.hpp"

namespace vg::test {
namespace {

namespace fs = std::filesystem;

class Trace : public SandboxTest {
 protected:
  // The "input USE PATH" lines of the last run, as PATH -> USE.
  std::map<std::string, std::string> inputs() const {
    std::map<std::string, std::string> out;
    std::istringstream in(outcome());
    std::string line;
    while (std::getline(in, line)) {
      if (!line.starts_with("input ")) continue;
      auto space = line.find(' ', 6);
      out[line.substr(space + 1)] = line.substr(6, space - 6);
    }
    return out;
  }
  bool traced() const { return outcome().find("traced yes") != std::string::npos; }
};

TEST_F(Trace, ReadsLookupsAndWritesOfTheWorkspaceAreSeen) {
  write_file(ws + "/in.txt", "input\n");
  write_file(ws + "/unrelated.txt", "not read\n");
  fs::create_directory(ws + "/src");
  Ran r = sandbox({"/bin/sh", "-c", "cat in.txt; test -e optional.cfg; ls src; echo out > out.txt"}, {"--trace"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(traced()) << outcome();
  auto in = inputs();
  EXPECT_EQ(in[ws + "/in.txt"], "read");
  EXPECT_EQ(in[ws + "/optional.cfg"], "probed") << "a path looked for and not found is an input";
  EXPECT_EQ(in[ws + "/src"], "read") << "a directory listed";
  EXPECT_EQ(in[ws + "/out.txt"], "written");
  EXPECT_EQ(in.count(ws + "/unrelated.txt"), 0u);
  EXPECT_EQ(in["/usr/bin/cat"], "read") << "programs run are inputs too";
}

TEST_F(Trace, TheSandboxesOwnFilesAreNotInputs) {
  Ran r = sandbox({"/bin/sh", "-c", "echo x > /tmp/scratch; cat /tmp/scratch /proc/self/status >/dev/null; ls ~ >/dev/null"},
                  {"--trace"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(traced()) << outcome();
  for (const auto& [path, use] : inputs()) {
    EXPECT_FALSE(path.starts_with("/tmp/scratch") || path.starts_with("/proc") || path.starts_with("/dev") ||
                 path == home)
        << path << " is the sandbox's own";
  }
}

TEST_F(Trace, ALinkMadeInTheSandboxLeadsToTheWorkspaceFileItReads) {
  // The link lives in the sandbox's private /tmp, the file it reaches is the
  // host's: the file must be an input, or an edit to it would be missed.
  write_file(ws + "/data.txt", "data\n");
  Ran r = sandbox({"/bin/sh", "-c", "ln -s '" + ws + "/data.txt' /tmp/l && cat /tmp/l"}, {"--trace"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(traced()) << outcome();
  EXPECT_EQ(inputs()[ws + "/data.txt"], "read") << outcome();
}

TEST_F(Trace, DotDotThroughALinkIsResolvedAsTheKernelDoes) {
  fs::create_directories(ws + "/a/b");
  write_file(ws + "/a/target.txt", "through the link\n");
  fs::create_directory_symlink("a/b", ws + "/ln");
  // ln/.. is a/, not the workspace: a lexical clean-up would get it wrong.
  Ran r = sandbox({"/bin/cat", "ln/../target.txt"}, {"--trace"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(traced()) << outcome();
  auto in = inputs();
  EXPECT_EQ(in[ws + "/a/target.txt"], "read") << outcome();
  EXPECT_EQ(in[ws + "/ln"], "probed_link") << "the link decides where '..' goes";
}

TEST_F(Trace, StaticBinariesAreTracedToo) {
  // vg itself is linked statically (no libc to interpose on); it looks for
  // a .vg.yaml from its working directory up.
  write_file(ws + "/.vg.yaml", "# nothing to change\n");
  fs::copy_file(VG_BIN, ws + "/vg");  // the build directory is not visible inside
  Ran r = sandbox({ws + "/vg", "config", "path"}, {"--trace"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(traced()) << outcome();
  EXPECT_EQ(inputs().count(ws + "/.vg.yaml"), 1u) << r.out << r.err << outcome();
}

}  // namespace
}  // namespace vg::test
