#include "config/file_clock.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

namespace vg {
namespace {

bool before(const timespec& a, const timespec& b) {
  return a.tv_sec != b.tv_sec ? a.tv_sec < b.tv_sec : a.tv_nsec < b.tv_nsec;
}

// Whatever stamp a file was just given (the fine one, once its times were
// looked at), the reading is at or after it, and never after the fine clock.
TEST(FileClock, NoFileTimeIsLaterThanTheReading) {
  char dir[] = "/tmp/vg-file-clock-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string f = std::string(dir) + "/f";
  for (int i = 0; i < 200; ++i) {
    struct stat st{};
    stat(f.c_str(), &st);  // looked at: the next change may get a fine stamp
    int fd = open(f.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, "x", 1), 1);
    close(fd);
    ASSERT_EQ(stat(f.c_str(), &st), 0);
    timespec reading = latest_file_stamp();
    timespec fine{};
    clock_gettime(CLOCK_REALTIME, &fine);
    EXPECT_FALSE(before(reading, st.st_ctim)) << "round " << i;
    EXPECT_FALSE(before(fine, reading)) << "round " << i;
  }
  unlink(f.c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace vg
