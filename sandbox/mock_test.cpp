#include "sandbox/mock.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace vg::sandbox {
namespace {

std::string temp_dir() {
  char tmpl[] = "/tmp/vg-mock-test-XXXXXX";
  const char* d = ::mkdtemp(tmpl);
  return d ? d : "";
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(MockLauncher, RecordsTheSpecAndReturnsTheConfiguredExitCode) {
  std::string dir = temp_dir();
  ASSERT_FALSE(dir.empty());
  config::Mock mock;
  mock.exit_code = 42;
  mock.record_path = dir + "/record.jsonl";
  auto launcher = make_mock_launcher(mock);
  EXPECT_STREQ(launcher->name(), "mock");
  Spec spec;
  spec.argv = {"touch", "a \"quoted\" name"};
  spec.env = {"PATH=/bin", "SECRET=hunter2"};
  spec.cwd = dir;
  spec.dry_run_writes = true;
  for (int i = 0; i < 2; ++i) {
    auto outcome = launcher->run(spec);
    ASSERT_TRUE(outcome.ok()) << outcome.error().message;
    EXPECT_EQ(outcome->exit_code, 42);
  }
  std::string record = slurp(mock.record_path);
  std::string line = spec_to_json(spec) + "\n";
  EXPECT_EQ(record, line + line);
  EXPECT_NE(line.find(R"("argv":["touch","a \"quoted\" name"])"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("dry_run_writes":true)"), std::string::npos) << line;
  EXPECT_EQ(line.find("hunter2"), std::string::npos) << "environment values must not be recorded: " << line;
}

TEST(MockLauncher, FailStartIsAnErrorNotAnOutcome) {
  config::Mock mock;
  mock.fail_start = true;
  auto outcome = make_mock_launcher(mock)->run(Spec{});
  ASSERT_FALSE(outcome.ok());
  EXPECT_NE(outcome.error().message.find("fail_start"), std::string::npos);
}

TEST(MakeLauncher, MockUnknownAndUnavailableRuntimes) {
  config::Config c;
  c.sandbox.runtime = "mock";
  auto mock = make_launcher(c);
  ASSERT_TRUE(mock.ok());
  EXPECT_STREQ((*mock)->name(), "mock");
  c.sandbox.runtime = "mokc";
  auto unknown = make_launcher(c);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("did you mean 'mock'"), std::string::npos) << unknown.error().message;
}

}  // namespace
}  // namespace vg::sandbox
