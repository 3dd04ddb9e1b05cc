#include "sandbox/namespace/cgroup.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "sandbox/namespace/sweep.hpp"

namespace vg::sandbox::ns {

namespace {

constexpr long k_cgroup2_magic = 0x63677270;
// The cgroup made under the top of a delegated subtree to hold the runs'
// cgroups: a name without a unit suffix, which systemd leaves alone.
constexpr const char* k_shared_name = "vg";
constexpr const char* k_run_prefix = "vg-";

bool write_file(const std::string& path, const std::string& value) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = write(fd, value.data(), value.size()) == static_cast<ssize_t>(value.size());
  int err = errno;
  close(fd);
  errno = err;
  return ok;
}

std::string read_file(const std::string& path) {
  std::string out;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// The words of `list` (separated by spaces or newlines).
std::vector<std::string> words(const std::string& list) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < list.size()) {
    size_t end = list.find_first_of(" \n", i);
    if (end == std::string::npos) end = list.size();
    if (end > i) out.push_back(list.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

bool has_word(const std::string& list, const std::string& word) {
  for (const auto& w : words(list)) {
    if (w == word) return true;
  }
  return false;
}

std::string join(const std::vector<std::string>& list, const char* sep) {
  std::string out;
  for (const auto& w : list) out += (out.empty() ? "" : sep) + w;
  return out;
}

// Those of `wanted` that the space-separated `available` lists.
std::string available_of(const std::vector<std::string>& wanted, const std::string& available) {
  std::vector<std::string> out;
  for (const auto& c : wanted) {
    if (has_word(available, c)) out.push_back(c);
  }
  return join(out, " ");
}

std::string parent_of(const std::string& cgroup) {
  auto slash = cgroup.rfind('/');
  return slash == std::string::npos ? "" : cgroup.substr(0, slash);
}

// Delegation leaves the user owning the directory and its cgroup.procs,
// cgroup.subtree_control and cgroup.threads (systemd chowns them).
bool may_write(const CgroupSystem& system, const std::string& path) {
  if (system.uid == static_cast<uid_t>(-1)) return access(path.c_str(), W_OK) == 0;
  struct stat st{};
  return stat(path.c_str(), &st) == 0 && st.st_uid == system.uid && (st.st_mode & S_IWUSR);
}

bool remove_cgroup(int dir_fd, const std::string& name) { return unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) == 0; }

// Make the shared "vg" cgroup `parent.dir` and hand it the controllers.
bool make_shared(V2Parent& parent) {
  if (mkdir(parent.dir.c_str(), 0755) != 0 && errno != EEXIST) {
    parent.why = "mkdir(\"" + parent.dir + "\"): " + std::strerror(errno);
    return false;
  }
  std::string enabled = read_file(parent.dir + "/cgroup.subtree_control");
  std::string enable;
  for (const auto& c : words(parent.controllers)) {
    if (!has_word(enabled, c)) enable += (enable.empty() ? "+" : " +") + c;
  }
  if (!enable.empty() && !write_file(parent.dir + "/cgroup.subtree_control", enable)) {
    parent.why = "write(\"" + parent.dir + "/cgroup.subtree_control\", \"" + enable + "\"): " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace

V2Parent choose_v2_parent(const CgroupSystem& system, const std::string& self,
                          const std::vector<std::string>& wanted) {
  const std::string& root = system.root;
  const std::string list = join(wanted, ", ");
  V2Parent own{root + self, false, "", ""};
  const std::string passed = read_file(own.dir + "/cgroup.subtree_control");
  if (!may_write(system, own.dir)) {
    own.why = "vg's cgroup " + own.dir + " is not writable";
  } else {
    own.controllers = available_of(wanted, passed);
    if (words(own.controllers).size() == wanted.size()) return own;
    // A cgroup with processes in it (vg's own, here) cannot pass controllers
    // on: the "no internal processes" rule.
    own.why = "vg's cgroup " + own.dir + " does not pass " + list + " on to new cgroups (cgroup.subtree_control: \"" +
              first_line(passed) + "\")";
  }
  // Moving the sandbox out of vg's cgroup needs write access to the
  // cgroup.procs of the common ancestor: the top of the subtree delegated to
  // us above vg's cgroup is one.
  std::string top = self;
  bool delegated = may_write(system, root + top + "/cgroup.procs");
  while (delegated && !top.empty() && may_write(system, root + parent_of(top) + "/cgroup.procs")) top = parent_of(top);
  if (!delegated || top == self) {
    bool is_root = system.uid == static_cast<uid_t>(-1) ? geteuid() == 0 : system.uid == 0;
    own.why += "; no cgroup subtree delegated to this user holds it";
    if (!is_root) {
      own.why += " (hint: run vg inside your systemd user manager, whose user@UID.service is delegated to you: "
                 "systemd-run --user --scope vg ...)";
    }
    return own;
  }
  const std::string available = read_file(root + top + "/cgroup.subtree_control");
  V2Parent shared{root + top + "/" + k_shared_name, true, available_of(wanted, available), ""};
  size_t n = words(shared.controllers).size();
  if (n <= words(own.controllers).size()) {
    own.why += "; nor does the delegated " + root + top + " (cgroup.subtree_control: \"" + first_line(available) + "\")";
    return own;
  }
  if (n < wanted.size()) {
    shared.why = "the delegated " + root + top + " does not pass " + list + " on (cgroup.subtree_control: \"" +
                 first_line(available) + "\")";
  }
  return shared;
}

Cgroup::~Cgroup() {
  for (auto it = m_dirs.rbegin(); it != m_dirs.rend(); ++it) {
    // The sandbox's processes are gone, but the kernel may take a moment.
    for (int i = 0; i < 50 && rmdir(it->c_str()) != 0 && errno == EBUSY; ++i) usleep(1000);
  }
  // A shared "vg" cgroup goes with its last run: another vg's run keeps it
  // (EBUSY), and a vg that finds it gone makes it again.
  if (!m_shared.empty()) rmdir(m_shared.c_str());
}

bool Cgroup::is_v2() {
  switch (m_system.version) {
    case CgroupSystem::Version::v1: return false;
    case CgroupSystem::Version::v2: return true;
    case CgroupSystem::Version::detect: break;
  }
  struct statfs fs{};
  return statfs(m_system.root.c_str(), &fs) == 0 && static_cast<long>(fs.f_type) == k_cgroup2_magic;
}

// This process's cgroup path in the hierarchy that has `controller` ("" for
// the v2 unified hierarchy); "" also for the root cgroup.
std::string Cgroup::own_cgroup(const std::string& controller) {
  if (m_self.empty()) m_self = m_system.self.empty() ? read_file("/proc/self/cgroup") : m_system.self;
  size_t pos = 0;
  while (pos < m_self.size()) {
    size_t nl = m_self.find('\n', pos);
    if (nl == std::string::npos) nl = m_self.size();
    std::string line = m_self.substr(pos, nl - pos);
    pos = nl + 1;
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

// Make `parent`/`tag`, first removing the runs' cgroups that killed vgs left
// in `parent`. The path made, or "" with `why` set (and errno kept).
std::string Cgroup::make_dir(const std::string& parent, const std::string& tag, std::string& why) {
  int fd = open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int err = errno;
  if (fd >= 0) {
    sweep_dead(fd, k_run_prefix, remove_cgroup);
    int rc = mkdirat(fd, tag.c_str(), 0755);
    err = errno;
    close(fd);
    if (rc == 0) {
      m_dirs.push_back(parent + "/" + tag);
      return m_dirs.back();
    }
  }
  why = std::string(fd < 0 ? "open" : "mkdir") + "(\"" + parent + (fd < 0 ? "" : "/" + tag) + "\"): " + std::strerror(err);
  errno = err;
  return "";
}

std::string Cgroup::make_v1(const std::string& controller, const std::string& tag, std::string& why) {
  std::string dir = make_dir(m_system.root + "/" + controller + own_cgroup(controller), tag, why);
  if (dir.empty() && errno == EACCES) why += "; cgroup v1 is not delegated to ordinary users";
  return dir;
}

std::string Cgroup::make_v2(const std::vector<std::string>& wanted, const std::string& tag, V2Parent& parent) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    parent = choose_v2_parent(m_system, own_cgroup(""), wanted);
    if (parent.controllers.empty()) return "";
    if (parent.shared && !make_shared(parent)) return "";
    std::string why;
    std::string dir = make_dir(parent.dir, tag, why);
    if (parent.shared) m_shared = parent.dir;
    if (!dir.empty()) return dir;
    parent.why = why;
    // Another vg removed the shared cgroup as its last run ended: again.
    if (!parent.shared || errno != ENOENT) return "";
  }
  return "";
}

void Cgroup::create(const Limits& limits, const std::string& tag, bool& memory_ok, bool& pids_ok,
                    std::vector<std::string>& notes) {
  memory_ok = pids_ok = false;
  bool cpu_ok = false;
  m_unenforced.clear();
  if (!limits.memory && !limits.pids && limits.cpu <= 0) return;
  std::vector<std::string> wanted;
  if (limits.memory) wanted.push_back("memory");
  if (limits.pids) wanted.push_back("pids");
  if (limits.cpu > 0) wanted.push_back("cpu");
  const std::string memory = std::to_string(limits.memory);
  const std::string quota = std::to_string(static_cast<long>(limits.cpu * 100000));
  std::string memory_why, cpu_why;  // why each is not limited by a cgroup
  m_v2 = is_v2();
  if (m_v2) {
    V2Parent parent;
    std::string dir = make_v2(wanted, tag, parent);
    memory_why = cpu_why = parent.why;
    auto has = [&](const char* c) { return !dir.empty() && has_word(parent.controllers, c); };
    if (limits.memory && has("memory")) {
      memory_ok = write_file(dir + "/memory.max", memory);
      if (!memory_ok) memory_why = "write(\"" + dir + "/memory.max\"): " + std::strerror(errno);
      write_file(dir + "/memory.swap.max", "0");  // absent without swap accounting
    }
    if (limits.pids && has("pids")) pids_ok = write_file(dir + "/pids.max", std::to_string(limits.pids));
    if (limits.cpu > 0 && has("cpu")) {
      cpu_ok = write_file(dir + "/cpu.max", quota + " 100000");
      if (!cpu_ok) cpu_why = "write(\"" + dir + "/cpu.max\"): " + std::strerror(errno);
    }
    if (memory_ok) m_memory_dir = dir;
  } else {
    if (limits.memory) {
      std::string dir = make_v1("memory", tag, memory_why);
      if (!dir.empty()) {
        memory_ok = write_file(dir + "/memory.limit_in_bytes", memory);
        if (!memory_ok) memory_why = "write(\"" + dir + "/memory.limit_in_bytes\"): " + std::strerror(errno);
        write_file(dir + "/memory.memsw.limit_in_bytes", memory);  // no swap escape, where accounted
        m_memory_dir = dir;
      }
    }
    if (limits.pids) {
      std::string why;
      std::string dir = make_v1("pids", tag, why);
      if (!dir.empty()) pids_ok = write_file(dir + "/pids.max", std::to_string(limits.pids));
    }
    if (limits.cpu > 0) {
      std::string dir = make_v1("cpu", tag, cpu_why);
      cpu_ok = !dir.empty() && write_file(dir + "/cpu.cfs_period_us", "100000") &&
               write_file(dir + "/cpu.cfs_quota_us", quota);
      if (!dir.empty() && !cpu_ok) cpu_why = "write(\"" + dir + "/cpu.cfs_quota_us\"): " + std::strerror(errno);
    }
  }
  // RLIMIT_NPROC needs no note: set in the sandbox's own user namespace it
  // counts the sandbox's processes only, so it holds for the whole sandbox.
  std::vector<std::string> weak;
  if (limits.memory && !memory_ok) {
    notes.push_back("resources.memory is enforced per process (RLIMIT_AS), not for the whole sandbox: "
                    "no memory cgroup could be made (" + memory_why + ")");
    weak.push_back("resources.memory (" + memory_why + ")");
  }
  if (limits.cpu > 0 && !cpu_ok) {
    notes.push_back("resources.cpu is not enforced: no cpu cgroup could be made (" + cpu_why + ")");
    weak.push_back("resources.cpu (" + cpu_why + ")");
  }
  m_unenforced = join(weak, ", ");
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
