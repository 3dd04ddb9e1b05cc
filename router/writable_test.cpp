#include "router/writable.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

namespace vg::router {
namespace {

class Uncreatable : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vg-writable-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir = tmpl;
  }
  void TearDown() override { std::system(("rm -rf '" + dir + "'").c_str()); }
  std::string dir;
};

TEST_F(Uncreatable, AWritableDirectoryOrOneThatCanBeMadeIsFine) {
  EXPECT_EQ(uncreatable_reason(dir + "/audit.jsonl"), "");
  EXPECT_EQ(uncreatable_reason(dir + "/state/vg/audit.jsonl"), "");  // made on the way
}

TEST_F(Uncreatable, AFileInTheWayIsNamed) {
  int fd = ::open((dir + "/file").c_str(), O_CREAT | O_WRONLY, 0600);
  ASSERT_GE(fd, 0);
  ::close(fd);
  EXPECT_EQ(uncreatable_reason(dir + "/file/vg/audit.jsonl"), dir + "/file is not a directory");
}

}  // namespace
}  // namespace vg::router
