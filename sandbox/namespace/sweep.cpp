#include "sandbox/namespace/sweep.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace vg::sandbox::ns {

namespace {

// How much later than an entry its creator's pid must have been taken by a
// new process to count as reused: the entry's time and the start time come
// from different clocks (wall and boot time), and a wall clock stepped
// forward must not make a live creator look new.
constexpr long k_clock_slack_s = 10;

// The state and start time (CLOCK_REALTIME) of process `pid`, from
// /proc/PID/stat; false when it cannot be read (the process is gone).
bool process_state(pid_t pid, char& state, timespec& started) {
  char path[32];
  std::snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[1024];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return false;
  buf[n] = '\0';
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
  const char* p = std::strrchr(buf, ')');
  if (!p || p[1] != ' ') return false;
  p += 2;
  state = *p;
  // starttime is field 22; state is field 3.
  for (int field = 3; field < 22; ++field) {
    p = std::strchr(p, ' ');
    if (!p) return false;
    ++p;
  }
  unsigned long long ticks = 0;
  auto [end, ec] = std::from_chars(p, buf + n, ticks);
  if (ec != std::errc()) return false;
  long hz = sysconf(_SC_CLK_TCK);
  if (hz <= 0) return false;
  timespec real{}, boot{};
  clock_gettime(CLOCK_REALTIME, &real);
  clock_gettime(CLOCK_BOOTTIME, &boot);
  // Boot time as wall time, plus the start's offset from boot.
  long long ns = (real.tv_sec - boot.tv_sec) * 1000000000LL + (real.tv_nsec - boot.tv_nsec) +
                 static_cast<long long>(ticks / hz) * 1000000000LL +
                 static_cast<long long>(ticks % hz) * (1000000000LL / hz);
  started.tv_sec = static_cast<time_t>(ns / 1000000000LL);
  started.tv_nsec = static_cast<long>(ns % 1000000000LL);
  return true;
}

}  // namespace

pid_t creator_pid(std::string_view name, std::string_view prefix) {
  if (name.size() <= prefix.size() || name.substr(0, prefix.size()) != prefix) return -1;
  const char* first = name.data() + prefix.size();
  const char* last = name.data() + name.size();
  int pid = 0;
  auto [end, ec] = std::from_chars(first, last, pid);
  if (ec != std::errc() || end == first || end == last || *end != '-' || pid <= 0) return -1;
  return static_cast<pid_t>(pid);
}

bool creator_gone(pid_t pid, const timespec& made) {
  if (pid <= 0) return false;
  if (kill(pid, 0) != 0 && errno == ESRCH) return true;
  // Alive, or a process of another user (EPERM): the creator unless it is a
  // zombie (it owns nothing any more) or started after the entry was made.
  char state = 0;
  timespec started{};
  if (!process_state(pid, state, started)) return kill(pid, 0) != 0 && errno == ESRCH;
  if (state == 'Z' || state == 'X') return true;
  return started.tv_sec > made.tv_sec + k_clock_slack_s;
}

std::vector<std::string> list_entries(int dir_fd, const std::function<bool(unsigned char type)>& take) {
  // getdents64 on the caller's descriptor: no second open, no DIR buffer.
  std::vector<std::string> names;
  if (lseek(dir_fd, 0, SEEK_SET) != 0) return names;
  alignas(dirent64) char buf[8192];
  for (;;) {
    ssize_t n = getdents64(dir_fd, buf, sizeof buf);
    if (n <= 0) break;
    for (ssize_t off = 0; off < n;) {
      const auto* e = reinterpret_cast<const dirent64*>(buf + off);
      off += e->d_reclen;
      std::string_view name = e->d_name;
      if (name != "." && name != ".." && take(e->d_type)) names.emplace_back(name);
    }
  }
  return names;
}

std::vector<std::string> sweep_dead(int dir_fd, std::string_view prefix,
                                    const std::function<bool(int dir_fd, const std::string& name)>& remove,
                                    const std::function<bool(const std::string& name)>& keep) {
  // Candidates are collected first; removing while listing may skip entries.
  std::vector<std::string> candidates;
  for (auto& name : list_entries(dir_fd, [](unsigned char t) { return t == DT_DIR || t == DT_UNKNOWN; })) {
    if (creator_pid(name, prefix) > 0) candidates.push_back(std::move(name));
  }
  std::vector<std::string> removed;
  const pid_t self = getpid();
  for (const auto& name : candidates) {
    pid_t pid = creator_pid(name, prefix);
    if (pid == self || (keep && keep(name))) continue;
    struct stat st{};
    if (fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode)) continue;
    if (creator_gone(pid, st.st_ctim) && remove(dir_fd, name)) removed.push_back(name);
  }
  return removed;
}

}  // namespace vg::sandbox::ns
