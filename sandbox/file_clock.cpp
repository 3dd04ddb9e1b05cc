#include "sandbox/file_clock.hpp"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vg::sandbox {

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

}  // namespace vg::sandbox
