#include "sandbox/microvm/qemu.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "sandbox/microvm/confine.hpp"
#include "sandbox/microvm/files.hpp"

namespace vg::sandbox::microvm {

namespace {
constexpr const char* k_qemu = "/usr/bin/qemu-system-x86_64";
}  // namespace

std::vector<std::string> qemu_argv(const VmOptions& o, const Vm& vm) {
  // Boot-time trims that matter under TCG: no delay-loop calibration, no
  // timer check, no LSMs or mitigations to set up in a single-use guest.
  std::string append =
      "console=ttyS0 panic=-1 quiet loglevel=4 rdinit=/init lpj=4000000 no_timer_check tsc=reliable "
      "mitigations=off nokaslr audit=0 security=none cryptomgr.notests random.trust_cpu=on 8250.nr_uarts=1";
  if (!o.extra_append.empty()) append += " " + o.extra_append;
  std::vector<std::string> a = {
      k_qemu,
      "-M", "microvm,x-option-roms=off",
      "-accel", to_string(o.accel),
      "-cpu", o.accel == Accel::kvm ? "host,-arch-capabilities" : "max",
      "-smp", "1",
      "-m", std::to_string(o.memory_mb),
      "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
      "-kernel", o.assets.kernel,
      "-initrd", o.assets.initrd,
      "-append", append,
      "-chardev", "file,id=con,path=" + vm.console_log,
      "-serial", "chardev:con",
      "-device", "virtio-serial-device,max_ports=4",
      "-chardev", "socket,id=ctl,path=" + vm.ctl_socket + ",server=on,wait=off",
      "-device", "virtserialport,chardev=ctl,name=vg.ctl",
      // Always present (templates and clones need one device set); used only
      // with network: restricted, to carry the bridge's connections.
      "-chardev", "socket,id=net,path=" + vm.net_socket + ",server=on,wait=off",
      "-device", "virtserialport,chardev=net,name=vg.net",
      // QEMU's own seccomp filter: no obsolete calls, no setuid, no fork/exec,
      // no scheduler or resource-limit changes.
      "-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
  };
  if (!o.share.empty()) {
    // security_model=none: files keep their real owners and modes (mapped
    // breaks symlinks); readonly: the guest writes only to its overlay;
    // multidevs=remap: the empty files hiding secrets live on another
    // filesystem, and their inode numbers must not collide with the share's.
    a.insert(a.end(), {"-fsdev", "local,id=ws,path=" + o.share + ",security_model=none,readonly=on,multidevs=remap",
                       "-device", "virtio-9p-device,fsdev=ws,mount_tag=ws"});
  }
  if (!o.memory_file.empty()) {
    a.insert(a.end(), {"-object",
                       "memory-backend-file,id=ram,size=" + std::to_string(o.memory_mb) + "M,mem-path=" +
                           o.memory_file +
                           (o.memory_mapping == MemoryMapping::shared ? ",share=on" : ",share=off"),
                       "-machine", "memory-backend=ram"});
  }
  if (o.accel == Accel::tcg) {
    // Under TCG on a busy host the guest's timer calibration (PIT, LAPIC)
    // can fail and hang the boot; with instruction counting the guest's clock
    // follows its own progress, so boots are deterministic.
    a.insert(a.end(), {"-icount", "shift=auto,sleep=on"});
  }
  if (o.qmp) a.insert(a.end(), {"-qmp", "unix:" + vm.qmp_socket + ",server=on,wait=off"});
  if (o.incoming) a.insert(a.end(), {"-incoming", "defer"});
  return a;
}

Result<Vm> start_vm(const VmOptions& o) {
  Vm vm;
  vm.run_dir = o.run_dir;
  vm.ctl_socket = o.run_dir + "/ctl.sock";
  vm.net_socket = o.run_dir + "/net.sock";
  vm.console_log = o.run_dir + "/console.log";
  vm.qemu_log = o.run_dir + "/qemu.log";
  if (o.qmp) vm.qmp_socket = o.run_dir + "/qmp.sock";
  if (vm.ctl_socket.size() >= sizeof(sockaddr_un::sun_path)) {
    return make_error("the VM run directory path is too long for a unix socket: " + o.run_dir);
  }
  auto argv = qemu_argv(o, vm);

  ConfineSpec spec;
  spec.new_root = o.run_dir + "/root";
  if (mkdir(spec.new_root.c_str(), 0700) != 0 && errno != EEXIST) {
    return make_error("mkdir(\"" + spec.new_root + "\"): " + std::strerror(errno));
  }
  spec.read_only = {"/usr", o.assets.dir};
  if (!o.share.empty()) spec.read_only.push_back(o.share);
  spec.read_write = {o.run_dir};
  if (!o.memory_file.empty() && o.memory_mapping == MemoryMapping::private_copy) {
    // A clone maps the template's RAM privately, but QEMU opens it O_RDWR:
    // only that file is bound (the template's manifest records its ctime, so
    // a write through it is detected).
    spec.read_write.push_back(o.memory_file);
  } else if (!o.memory_file.empty()) {
    std::string dir = o.memory_file.substr(0, o.memory_file.rfind('/'));
    if (dir != o.run_dir) spec.read_write.push_back(dir);
  }
  spec.hidden = o.hidden;
  spec.devices = {"/dev/null", "/dev/urandom"};
  if (o.accel == Accel::kvm) spec.devices.push_back("/dev/kvm");

  // The child reports a confinement failure through this pipe; EOF means exec succeeded.
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) return make_error(std::string("pipe2: ") + std::strerror(errno));
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return make_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    close(report[0]);
    // QEMU dies with the process that started it, and keeps out of the
    // terminal's process group so a Ctrl-C reaches the guest, not QEMU.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGWINCH}) signal(s, SIG_DFL);
    int null_fd = open("/dev/null", O_RDWR);
    int log = open(vm.qemu_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(null_fd, 0);
    dup2(null_fd, 1);
    dup2(log >= 0 ? log : null_fd, 2);
    std::string err = confine(spec);
    if (!err.empty()) {
      ssize_t ignored = write(report[1], err.data(), err.size());
      (void)ignored;
      _exit(1);
    }
    std::vector<char*> args;
    for (auto& s : argv) args.push_back(s.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    std::string e = std::string("execv(\"") + k_qemu + "\"): " + std::strerror(errno) +
                    " (apt-get install qemu-system-x86)";
    ssize_t ignored = write(report[1], e.data(), e.size());
    (void)ignored;
    _exit(1);
  }
  close(report[1]);
  std::string err;
  char buf[512];
  ssize_t n;
  while ((n = read(report[0], buf, sizeof buf)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    err.append(buf, static_cast<std::size_t>(n));
  }
  close(report[0]);
  vm.pid = pid;
  if (!err.empty()) {
    int status = 0;
    waitpid(pid, &status, 0);
    vm.pid = -1;
    return make_error("cannot start QEMU confined: " + err);
  }
  return vm;
}

namespace {
// For a VM that is not our child: alive unless gone or a zombie.
bool adopted_alive(pid_t pid) {
  auto stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return false;
  auto close_paren = stat->rfind(')');
  return close_paren != std::string::npos && close_paren + 2 < stat->size() && (*stat)[close_paren + 2] != 'Z';
}
}  // namespace

bool vm_running(Vm& vm, int& status) {
  if (vm.pid <= 0) {
    if (vm.exit_status >= 0) status = vm.exit_status;
    return false;
  }
  if (vm.adopted) {
    if (adopted_alive(vm.pid)) return true;
    vm.pid = -1;
    return false;
  }
  pid_t r = waitpid(vm.pid, &status, WNOHANG);
  if (r == vm.pid || (r < 0 && errno == ECHILD)) {
    if (r == vm.pid) vm.exit_status = status;
    vm.pid = -1;
    return false;
  }
  return true;
}

Result<int> connect_socket(const Vm& vm, const std::string& path, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return make_error(std::string("socket: ") + std::strerror(errno));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
    close(fd);
    int status = 0;
    Vm probe = vm;
    if (vm.pid > 0 && !vm_running(probe, status)) return make_error("QEMU exited before opening " + path);
    if (std::chrono::steady_clock::now() > deadline) return make_error("timed out connecting to " + path);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void stop_vm(Vm& vm) {
  if (vm.pid > 0 && vm.adopted) {
    kill(vm.pid, SIGKILL);
    // Its parent (the pool) reaps it; wait briefly so it is gone when we return.
    for (int i = 0; i < 200 && adopted_alive(vm.pid); ++i) usleep(10000);
    vm.pid = -1;
  }
  if (vm.pid > 0) {
    kill(vm.pid, SIGKILL);
    int status = 0;
    while (waitpid(vm.pid, &status, 0) < 0 && errno == EINTR) {
    }
    vm.pid = -1;
  }
  if (!vm.run_dir.empty()) {
    remove_tree(vm.run_dir);
    vm.run_dir.clear();
  }
}

std::string describe_failure(const Vm& vm, const std::string& what, int status, bool have_status) {
  std::string msg = what;
  if (have_status) {
    if (WIFSIGNALED(status)) {
      msg += " (QEMU was killed by signal " + std::to_string(WTERMSIG(status)) + ")";
    } else if (WIFEXITED(status)) {
      msg += " (QEMU exited with status " + std::to_string(WEXITSTATUS(status)) + ")";
    }
  }
  std::string console = tail_lines(vm.console_log, 12);
  // A panic's stack trace pushes its headline out of the tail: show it first.
  std::string wide = tail_lines(vm.console_log, 300);
  if (auto p = wide.rfind("Kernel panic"); p != std::string::npos && console.find("Kernel panic") == std::string::npos) {
    auto start = wide.rfind('\n', p);
    auto end = wide.find('\n', p);
    start = start == std::string::npos ? 0 : start + 1;
    console = wide.substr(start, end == std::string::npos ? std::string::npos : end - start) + "\n...\n" + console;
  }
  std::string qemu = tail_lines(vm.qemu_log, 5);
  if (!console.empty()) msg += "\n--- guest console (last lines) ---\n" + console;
  if (!qemu.empty()) msg += "\n--- qemu ---\n" + qemu;
  return msg;
}

}  // namespace vg::sandbox::microvm
