#include "sandbox/namespace/seccomp_filter.hpp"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace vg::sandbox::ns {

namespace {

struct Ctx {
  scmp_filter_ctx ctx = nullptr;
  ~Ctx() {
    if (ctx) seccomp_release(ctx);
  }
};

}  // namespace

Result<std::vector<sock_filter>> compile_seccomp_filter() {
  Ctx c;
  c.ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!c.ctx) return make_error("seccomp_init: failed (libseccomp)");
  const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
  static const char* const k_denied[] = {
      "mount", "umount", "umount2", "pivot_root", "move_mount", "open_tree", "fsopen", "fsmount", "fsconfig",
      "fspick", "mount_setattr", "ptrace", "process_vm_readv", "process_vm_writev", "kexec_load",
      "kexec_file_load", "init_module", "finit_module", "delete_module", "bpf", "keyctl", "add_key",
      "request_key", "setns", "open_by_handle_at", "name_to_handle_at", "perf_event_open", "reboot", "swapon",
      "swapoff", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "acct", "iopl", "ioperm",
      "syslog", "uselib", "quotactl", "lookup_dcookie", "vhangup", "userfaultfd", "fanotify_init",
      "nfsservctl", "pidfd_getfd", "kcmp"};
  for (const char* name : k_denied) {
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) continue;  // not on this architecture
    if (int rc = seccomp_rule_add(c.ctx, eperm, nr, 0); rc < 0) {
      return make_error(std::string("seccomp_rule_add(") + name + "): " + std::strerror(-rc));
    }
  }
  struct Masked {
    const char* name;
    unsigned arg;
  };
  // New user namespaces: unshare(flags) and clone(flags, ...) carry the flag in arg 0.
  for (Masked m : {Masked{"unshare", 0}, Masked{"clone", 0}}) {
    int nr = seccomp_syscall_resolve_name(m.name);
    int rc = seccomp_rule_add(c.ctx, eperm, nr, 1, SCMP_CMP(m.arg, SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
    if (rc < 0) return make_error(std::string("seccomp_rule_add(") + m.name + "): " + std::strerror(-rc));
  }
  // clone3 passes its flags in memory a filter cannot read: ENOSYS makes
  // glibc fall back to clone, which is checked above.
  if (int nr = seccomp_syscall_resolve_name("clone3"); nr != __NR_SCMP_ERROR) {
    if (int rc = seccomp_rule_add(c.ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0); rc < 0) {
      return make_error(std::string("seccomp_rule_add(clone3): ") + std::strerror(-rc));
    }
  }
  // The terminal is the user's, lent: no typing into it (TIOCSTI), no
  // console tricks (TIOCLINUX, TIOCCONS), no line discipline swapped under
  // the shell that gets it back (TIOCSETD: N_NULL swallowed all its output).
  for (unsigned long req : {static_cast<unsigned long>(TIOCSTI), static_cast<unsigned long>(TIOCLINUX),
                            static_cast<unsigned long>(TIOCCONS), static_cast<unsigned long>(TIOCSETD)}) {
    int rc = seccomp_rule_add(c.ctx, eperm, SCMP_SYS(ioctl), 1, SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, req));
    if (rc < 0) return make_error(std::string("seccomp_rule_add(ioctl): ") + std::strerror(-rc));
  }
  // io_uring does its opens and connects where no filter sees them (the
  // tracer refuses it too); AF_VSOCK reaches the hypervisor whatever the
  // network namespace.
  for (const char* name : {"io_uring_setup", "io_uring_enter", "io_uring_register"}) {
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) continue;
    if (int rc = seccomp_rule_add(c.ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0); rc < 0) {
      return make_error(std::string("seccomp_rule_add(") + name + "): " + std::strerror(-rc));
    }
  }
  if (int rc = seccomp_rule_add(c.ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 1,
                                SCMP_A0(SCMP_CMP_EQ, AF_VSOCK));
      rc < 0) {
    return make_error(std::string("seccomp_rule_add(socket(AF_VSOCK)): ") + std::strerror(-rc));
  }
  return export_seccomp_program(c.ctx);
}

Result<std::vector<sock_filter>> export_seccomp_program(void* ctx) {
  // Through a memfd: libseccomp 2.5 has no in-memory export.
  int fd = memfd_create("vg-seccomp", MFD_CLOEXEC);
  if (fd < 0) return make_error(std::string("memfd_create: ") + std::strerror(errno));
  int rc = seccomp_export_bpf(static_cast<scmp_filter_ctx>(ctx), fd);
  if (rc < 0) {
    close(fd);
    return make_error(std::string("seccomp_export_bpf: ") + std::strerror(-rc));
  }
  off_t size = lseek(fd, 0, SEEK_END);
  std::vector<sock_filter> program(static_cast<size_t>(size) / sizeof(sock_filter));
  ssize_t n = pread(fd, program.data(), program.size() * sizeof(sock_filter), 0);
  close(fd);
  if (n != static_cast<ssize_t>(program.size() * sizeof(sock_filter)) || program.empty()) {
    return make_error("seccomp_export_bpf: short program");
  }
  return program;
}

int load_seccomp_filter(const std::vector<sock_filter>& program) {
  sock_fprog prog{};
  prog.len = static_cast<unsigned short>(program.size());
  prog.filter = const_cast<sock_filter*>(program.data());
  return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

}  // namespace vg::sandbox::ns
