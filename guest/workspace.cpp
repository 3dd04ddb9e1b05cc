#include "guest/workspace.hpp"

#include <fcntl.h>
#include <linux/random.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <ctime>
#include <vector>

namespace vg::guest {

namespace {
std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

// mkdir -p
bool make_dirs(const std::string& path) {
  std::string cur;
  std::size_t pos = 0;
  while (pos < path.size()) {
    std::size_t next = path.find('/', pos + 1);
    if (next == std::string::npos) next = path.size();
    cur = path.substr(0, next);
    if (!cur.empty() && cur != "/" && mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST) return false;
    pos = next;
  }
  return true;
}
// The 9p cache mode; `vg.9p=OPTIONS` on the kernel command line
// (VG_MICROVM_KERNEL_ARGS) overrides it for debugging.
std::string share_cache_option() {
  std::ifstream in("/proc/cmdline");
  std::string word;
  while (in >> word) {
    if (word.rfind("vg.9p=", 0) == 0) return word.substr(6);
  }
  return "cache=loose";
}
}  // namespace

std::string mount_workspace(const proto::Start& start) {
  if (start.workspace.empty() || start.workspace.front() != '/') return "the workspace path is not absolute";
  if (!make_dirs(k_lower_dir) || !make_dirs(k_rw_dir)) return errno_text("mkdir /run/vg");
  if (start.share) {
    // A large msize matters: the 8 KiB default is many times slower.
    std::string share_options = "trans=virtio,version=9p2000.L,msize=524288," + share_cache_option();
    if (mount("ws", k_lower_dir, "9p", MS_RDONLY | MS_NOSUID | MS_NODEV, share_options.c_str()) != 0) {
      return errno_text("mount 9p share 'ws'");
    }
  }
  if (mount("tmpfs", k_rw_dir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0) return errno_text("mount tmpfs");
  std::string upper = std::string(k_rw_dir) + "/upper";
  std::string work = std::string(k_rw_dir) + "/work";
  if (mkdir(upper.c_str(), 0755) != 0 || mkdir(work.c_str(), 0755) != 0) return errno_text("mkdir upper");
  if (!make_dirs(start.workspace)) return errno_text("mkdir " + start.workspace);
  std::string options = std::string("lowerdir=") + k_lower_dir + ",upperdir=" + upper + ",workdir=" + work;
  if (mount("overlay", start.workspace.c_str(), "overlay", 0, options.c_str()) != 0) {
    return errno_text("mount overlay on " + start.workspace);
  }
  return "";
}

void refresh_clock_and_entropy(const proto::Start& start) {
  if (start.host_time_ns != 0) {
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(start.host_time_ns / 1000000000ull);
    ts.tv_nsec = static_cast<long>(start.host_time_ns % 1000000000ull);
    clock_settime(CLOCK_REALTIME, &ts);
  }
  if (!start.seed.empty()) {
    // A clone restored from one snapshot must not share the template's pool.
    std::vector<char> buf(sizeof(rand_pool_info) + start.seed.size());
    auto* info = reinterpret_cast<rand_pool_info*>(buf.data());
    info->entropy_count = static_cast<int>(start.seed.size() * 8);
    info->buf_size = static_cast<int>(start.seed.size());
    std::memcpy(buf.data() + sizeof(rand_pool_info), start.seed.data(), start.seed.size());
    int fd = open("/dev/urandom", O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
      ioctl(fd, RNDADDENTROPY, info);
      close(fd);
    }
  }
}

}  // namespace vg::guest
