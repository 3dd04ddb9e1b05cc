#include "config/file_clock.hpp"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vg {

timespec latest_file_stamp() {
  timespec t{};
  int fd = memfd_create("vg-clock", MFD_CLOEXEC);
  struct stat st{};
  if (fd >= 0 && fstat(fd, &st) == 0) t = st.st_ctim;
  if (fd >= 0) close(fd);
  timespec fine{};
  clock_gettime(CLOCK_REALTIME, &fine);
  // A memfd's times are coarse even before 6.13; never later than now.
  if (fd < 0 || t.tv_sec > fine.tv_sec || (t.tv_sec == fine.tv_sec && t.tv_nsec > fine.tv_nsec)) return fine;
  return t;
}

void wait_for_coarse_clock_past(const timespec& t) {
  for (timespec coarse{}; clock_gettime(CLOCK_REALTIME_COARSE, &coarse) == 0 &&
                          (coarse.tv_sec < t.tv_sec || (coarse.tv_sec == t.tv_sec && coarse.tv_nsec <= t.tv_nsec));) {
    timespec pause{0, 500000};
    nanosleep(&pause, nullptr);
  }
}

}  // namespace vg
