// vg-sandbox-probe: makes one escape attempt from inside the sandbox and says
// how it went, on one line: "ALLOWED ..." when the attempt worked (an escape
// unless the test expects it), "DENIED <errno name> ..." when the kernel
// refused it. Exit 0 = denied, 1 = allowed, 2 = the probe could not try.
//   write PATH | read PATH | connect PORT | kill PID | ptrace PID | mount |
//   mknod PATH | setuid PATH | alloc BYTES | fork N | fill PATH BYTES |
//   module | unshare-user | proc-sys | procs | bind PORT | peek PATH
// (peek reads like read but never prints what it read: for /etc/shadow.)
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

int denied(const char* what, int err) {
  std::printf("DENIED %s %s: %s\n", strerrorname_np(err) ? strerrorname_np(err) : "?", what, std::strerror(err));
  return 0;
}

int allowed(const std::string& what) {
  std::printf("ALLOWED %s\n", what.c_str());
  return 1;
}

int result(long rc, const char* what) { return rc < 0 ? denied(what, errno) : allowed(what); }

int write_file(const char* path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return denied("open", errno);
  const char text[] = "escaped\n";
  ssize_t n = write(fd, text, sizeof text - 1);
  int err = errno;
  close(fd);
  return n < 0 ? denied("write", err) : allowed(std::string("wrote ") + path);
}

int peek_file(const char* path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return denied("open", errno);
  char buf[4096];
  ssize_t n = read(fd, buf, sizeof buf);
  int err = errno;
  close(fd);
  if (n < 0) return denied("read", err);
  return allowed("read " + std::to_string(n) + " bytes of " + path);
}

int read_file(const char* path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return denied("open", errno);
  char buf[4096];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  int err = errno;
  close(fd);
  if (n < 0) return denied("read", err);
  buf[n] = '\0';
  if (n == 0) {
    std::printf("DENIED EMPTY read 0 bytes from %s\n", path);
    return 0;
  }
  std::printf("ALLOWED read %zd bytes: %s\n", n, buf);
  return 1;
}

int connect_port(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return denied("socket", errno);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int rc = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  int err = errno;
  if (rc == 0) {
    send(fd, "escaped\n", 8, MSG_NOSIGNAL);
    close(fd);
    return allowed("connected to 127.0.0.1:" + std::to_string(port));
  }
  close(fd);
  return denied("connect", err);
}

int alloc(unsigned long long bytes) {
  char* p = static_cast<char*>(mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  if (p == MAP_FAILED) return denied("mmap", errno);
  for (unsigned long long i = 0; i < bytes; i += 4096) p[i] = 1;
  return allowed("touched " + std::to_string(bytes) + " bytes");
}

int fork_many(int n) {
  std::vector<pid_t> kids;
  int err = 0;
  for (int i = 0; i < n; ++i) {
    pid_t pid = fork();
    if (pid == 0) {
      pause();
      _exit(0);
    }
    if (pid < 0) {
      err = errno;
      break;
    }
    kids.push_back(pid);
  }
  for (pid_t k : kids) kill(k, SIGKILL);
  for (pid_t k : kids) waitpid(k, nullptr, 0);
  if (static_cast<int>(kids.size()) < n) {
    std::printf("forked %zu of %d\n", kids.size(), n);
    return denied("fork", err);
  }
  return allowed("forked " + std::to_string(n));
}

int fill(const char* path, unsigned long long bytes) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return denied("open", errno);
  std::vector<char> block(1 << 20, 'x');
  unsigned long long done = 0;
  while (done < bytes) {
    ssize_t n = write(fd, block.data(), block.size());
    if (n < 0) {
      int err = errno;
      close(fd);
      std::printf("wrote %llu bytes\n", done);
      return denied("write", err);
    }
    done += static_cast<unsigned long long>(n);
  }
  close(fd);
  return allowed("wrote " + std::to_string(done) + " bytes");
}

int module() {
  // A bogus image: never a real module. Both calls must be refused.
  static const char garbage[64] = "not an ELF module";
  long rc = syscall(SYS_init_module, garbage, sizeof garbage, "");
  if (rc == 0) return allowed("init_module");
  int err1 = errno;
  int fd = memfd_create("vg-bogus-module", 0);
  if (fd >= 0 && write(fd, garbage, sizeof garbage) < 0) return 2;
  rc = syscall(SYS_finit_module, fd, "", 0);
  int err2 = errno;
  if (rc == 0) return allowed("finit_module");
  std::printf("init_module: %s\n", strerrorname_np(err1));
  // Only a permission refusal counts: ENOEXEC would mean the image was parsed.
  if (err1 != EPERM || err2 != EPERM) return allowed(std::string("module loader reached: ") + strerrorname_np(err1) + "/" + strerrorname_np(err2));
  return denied("finit_module", err2);
}

int procs() {
  DIR* d = opendir("/proc");
  if (!d) return 2;
  int n = 0;
  std::string list;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] >= '0' && e->d_name[0] <= '9') {
      ++n;
      list += std::string(" ") + e->d_name;
    }
  }
  closedir(d);
  std::printf("PROCS %d:%s\n", n, list.c_str());
  return 0;
}

}  // namespace

// Listen on a loopback port (below 1024 needs CAP_NET_BIND_SERVICE).
int bind_port(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return denied("socket", errno);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int rc = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  int err = errno;
  close(fd);
  if (rc == 0) return allowed("bound 127.0.0.1:" + std::to_string(port));
  return denied("bind", err);
}

// Fill an unmapped memfd with `bytes` (memory no mapping or RLIMIT_AS sees).
int memfd_fill(unsigned long long bytes) {
  int fd = memfd_create("vg-probe", MFD_CLOEXEC);
  if (fd < 0) return denied("memfd_create", errno);
  static char chunk[1 << 20];
  std::memset(chunk, 'x', sizeof chunk);
  for (unsigned long long done = 0; done < bytes; done += sizeof chunk) {
    if (write(fd, chunk, sizeof chunk) != static_cast<ssize_t>(sizeof chunk)) return denied("write(memfd)", errno);
  }
  return allowed("memfd holds " + std::to_string(bytes) + " bytes");
}

int main(int argc, char** argv) {
  setvbuf(stdout, nullptr, _IONBF, 0);
  if (argc < 2) return 2;
  std::string op = argv[1];
  const char* arg = argc > 2 ? argv[2] : "";
  if (op == "write") return write_file(arg);
  if (op == "read") return read_file(arg);
  if (op == "connect") return connect_port(std::atoi(arg));
  if (op == "bind") return bind_port(std::atoi(arg));
  if (op == "peek") return peek_file(arg);
  if (op == "kill") return result(kill(std::atoi(arg), SIGTERM), "kill");
  if (op == "ptrace") return result(ptrace(PTRACE_ATTACH, std::atoi(arg), nullptr, nullptr), "ptrace(PTRACE_ATTACH)");
  if (op == "mount") return result(mount("none", "/tmp", "tmpfs", 0, nullptr), "mount");
  if (op == "mknod") return result(mknod(arg, S_IFCHR | 0666, makedev(1, 3)), "mknod");
  if (op == "setuid") {
    if (write_file(arg) != 1) return 2;
    return result(chmod(arg, 04755), "chmod(04755)");
  }
  if (op == "alloc") return alloc(std::strtoull(arg, nullptr, 10));
  if (op == "fork") return fork_many(std::atoi(arg));
  if (op == "fill") return fill(arg, std::strtoull(argc > 3 ? argv[3] : "0", nullptr, 10));
  if (op == "module") return module();
  if (op == "unshare-user") return result(unshare(CLONE_NEWUSER), "unshare(CLONE_NEWUSER)");
  if (op == "proc-sys") return result(open("/proc/sys/vm/swappiness", O_WRONLY), "open(/proc/sys/vm/swappiness, O_WRONLY)");
  if (op == "procs") return procs();
  if (op == "memfd") return memfd_fill(std::strtoull(arg, nullptr, 10));
  std::fprintf(stderr, "unknown probe %s\n", op.c_str());
  return 2;
}
