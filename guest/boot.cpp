#include "guest/boot.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

namespace vg::guest {

namespace {
std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

std::string read_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}
}  // namespace

std::string mount_basics() {
  struct Mount {
    const char* source;
    const char* target;
    const char* type;
    unsigned long flags;
    const char* data;
  };
  const Mount mounts[] = {
      {"proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr},
      {"sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr},
      {"devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755"},
      {"devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "ptmxmode=0666,mode=0620"},
      {"tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777"},
      {"tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755"},
  };
  for (const auto& m : mounts) {
    mkdir(m.target, 0755);
    if (mount(m.source, m.target, m.type, m.flags, m.data) != 0 && errno != EBUSY) {
      return errno_text(std::string("mount ") + m.target);
    }
  }
  // /dev/ptmx must be the devpts one for ptys to work without udev.
  unlink("/dev/ptmx");
  if (symlink("pts/ptmx", "/dev/ptmx") != 0) return errno_text("symlink /dev/ptmx");
  return "";
}

std::string load_modules(const std::string& order_file, const std::string& dir) {
  std::ifstream in(order_file);
  std::string name;
  while (std::getline(in, name)) {
    if (name.empty()) continue;
    std::string path = dir + "/" + name + ".ko";
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno_text("open " + path);
    long r = syscall(SYS_finit_module, fd, "", 0);
    int saved = errno;
    close(fd);
    if (r != 0 && saved != EEXIST) {
      errno = saved;
      return errno_text("finit_module " + name);
    }
  }
  return "";
}

int open_port(const std::string& name, int timeout_ms) {
  for (int waited = 0; waited <= timeout_ms; waited += 5) {
    if (DIR* d = opendir("/sys/class/virtio-ports")) {
      while (dirent* e = readdir(d)) {
        if (e->d_name[0] == '.') continue;
        std::string port = e->d_name;
        if (read_line("/sys/class/virtio-ports/" + port + "/name") != name) continue;
        closedir(d);
        std::string dev = "/dev/" + port;
        int fd = open(dev.c_str(), O_RDWR | O_CLOEXEC | O_NOCTTY);
        if (fd >= 0) return fd;
        d = nullptr;
        break;
      }
      if (d) closedir(d);
    }
    usleep(5000);
  }
  return -1;
}

void console(const std::string& message) {
  std::string line = "vg-guest: " + message + "\n";
  int fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) fd = dup(2);
  if (fd >= 0) {
    ssize_t ignored = write(fd, line.data(), line.size());
    (void)ignored;
    close(fd);
  }
}

void power_off() {
  sync();
  reboot(RB_POWER_OFF);
  // Only reached when reboot() failed; PID 1 must not exit.
  for (;;) pause();
}

}  // namespace vg::guest
