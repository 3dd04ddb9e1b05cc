#include "sandbox/namespace/cgroup.hpp"

#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace vg::sandbox::ns {

namespace {

constexpr long k_cgroup2_magic = 0x63677270;
constexpr const char* k_root = "/sys/fs/cgroup";

bool write_file(const std::string& path, const std::string& value) {
  std::ofstream out(path);
  if (!out) return false;
  out << value;
  out.flush();
  return static_cast<bool>(out);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// This process's cgroup path in the hierarchy that has `controller`
// ("" for the v2 unified hierarchy).
std::string own_cgroup(const std::string& controller) {
  std::istringstream in(read_file("/proc/self/cgroup"));
  std::string line;
  while (std::getline(in, line)) {
    auto a = line.find(':');
    auto b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    std::string list = line.substr(a + 1, b - a - 1);
    std::string path = line.substr(b + 1);
    if (controller.empty() ? list.empty() : ("," + list + ",").find("," + controller + ",") != std::string::npos) {
      return path == "/" ? "" : path;
    }
  }
  return "";
}

}  // namespace

Cgroup::~Cgroup() {
  for (auto it = m_dirs.rbegin(); it != m_dirs.rend(); ++it) {
    // The sandbox's processes are gone, but the kernel may take a moment.
    for (int i = 0; i < 50 && rmdir(it->c_str()) != 0 && errno == EBUSY; ++i) usleep(1000);
  }
}

void Cgroup::create(const Limits& limits, const std::string& tag, bool& memory_ok, bool& pids_ok,
                    std::vector<std::string>& notes) {
  memory_ok = pids_ok = false;
  if (!limits.memory && !limits.pids && limits.cpu <= 0) return;
  struct statfs fs{};
  m_v2 = statfs(k_root, &fs) == 0 && static_cast<long>(fs.f_type) == k_cgroup2_magic;
  if (m_v2) {
    std::string dir = std::string(k_root) + own_cgroup("") + "/" + tag;
    std::string controllers = read_file(std::string(k_root) + own_cgroup("") + "/cgroup.subtree_control");
    if (mkdir(dir.c_str(), 0755) == 0) {
      m_dirs.push_back(dir);
      if (limits.memory && controllers.find("memory") != std::string::npos) {
        memory_ok = write_file(dir + "/memory.max", std::to_string(limits.memory)) &&
                    (write_file(dir + "/memory.swap.max", "0") || true);
        m_memory_dir = dir;
      }
      if (limits.pids && controllers.find("pids") != std::string::npos) {
        pids_ok = write_file(dir + "/pids.max", std::to_string(limits.pids));
      }
      if (limits.cpu > 0 && controllers.find("cpu") != std::string::npos) {
        write_file(dir + "/cpu.max", std::to_string(static_cast<long>(limits.cpu * 100000)) + " 100000");
      }
    }
  } else {
    auto make = [&](const char* controller) -> std::string {
      std::string dir = std::string(k_root) + "/" + controller + own_cgroup(controller) + "/" + tag;
      if (mkdir(dir.c_str(), 0755) != 0) return "";
      m_dirs.push_back(dir);
      return dir;
    };
    if (limits.memory) {
      std::string dir = make("memory");
      if (!dir.empty()) {
        memory_ok = write_file(dir + "/memory.limit_in_bytes", std::to_string(limits.memory));
        write_file(dir + "/memory.memsw.limit_in_bytes", std::to_string(limits.memory));  // no swap escape, where accounted
        m_memory_dir = dir;
      }
    }
    if (limits.pids) {
      std::string dir = make("pids");
      if (!dir.empty()) pids_ok = write_file(dir + "/pids.max", std::to_string(limits.pids));
    }
    if (limits.cpu > 0) {
      std::string dir = make("cpu");
      if (!dir.empty()) {
        write_file(dir + "/cpu.cfs_period_us", "100000");
        write_file(dir + "/cpu.cfs_quota_us", std::to_string(static_cast<long>(limits.cpu * 100000)));
      }
    }
  }
  if (limits.memory && !memory_ok) notes.push_back("no memory cgroup could be made: memory limited by RLIMIT_AS instead");
  if (limits.pids && !pids_ok) notes.push_back("no pids cgroup could be made: processes limited by RLIMIT_NPROC instead");
}

std::string Cgroup::add(pid_t pid) {
  for (const auto& dir : m_dirs) {
    if (!write_file(dir + "/cgroup.procs", std::to_string(pid))) {
      return "write(\"" + dir + "/cgroup.procs\"): " + std::strerror(errno);
    }
  }
  return "";
}

bool Cgroup::oom_killed() const {
  if (m_memory_dir.empty()) return false;
  std::string text = read_file(m_memory_dir + (m_v2 ? "/memory.events" : "/memory.oom_control"));
  auto pos = text.find("oom_kill ");
  return pos != std::string::npos && std::atoi(text.c_str() + pos + 9) > 0;
}

}  // namespace vg::sandbox::ns
