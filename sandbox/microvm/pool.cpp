#include "sandbox/microvm/pool.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <set>
#include <vector>

#include "sandbox/microvm/files.hpp"
#include "sandbox/microvm/pool_wire.hpp"
#include "sandbox/microvm/qemu.hpp"
#include "sandbox/microvm/runtime_dir.hpp"
#include "sandbox/microvm/session.hpp"
#include "sandbox/secrets.hpp"
#include "sandbox/microvm/template.hpp"

namespace vg::sandbox::microvm {

namespace {

using Clock = std::chrono::steady_clock;

struct Slot {
  Vm vm;
  std::unique_ptr<Channel> channel;
  bool ready = false;
  std::string hidden_digest;  // what its QEMU hides (a later .env makes it unusable)
  Clock::time_point started = Clock::now();
};

class Pool {
 public:
  Pool(PoolOptions options, int listen_fd) : m_options(std::move(options)), m_listen(listen_fd) {}
  void serve();

 private:
  void refill();
  void check_slots();
  void handle_client(int fd);
  void kill_all();
  int ms_since(Clock::time_point t) const {
    return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count());
  }

  PoolOptions m_options;
  int m_listen;
  std::vector<std::unique_ptr<Slot>> m_slots;
  std::set<pid_t> m_handed;  // guests handed out, still our children until they end
  int m_failures = 0;
  std::string m_last_error;
  bool m_stop = false;
  Clock::time_point m_last_request = Clock::now();
  SessionLimits m_limits = session_limits_from_env();
};

void Pool::refill() {
  if (m_failures >= 3) return;  // something is wrong; `vg sandbox status` shows why
  while (static_cast<int>(m_slots.size()) < m_options.size) {
    auto run_dir = make_run_dir("pool");
    if (!run_dir) {
      m_last_error = run_dir.error().message;
      ++m_failures;
      return;
    }
    VmOptions vo;
    vo.assets = m_options.assets;
    vo.accel = m_options.accel;
    vo.memory_mb = m_options.memory_mb;
    vo.run_dir = *run_dir;
    vo.share = m_options.workspace;
    auto hidden = find_hidden_paths(m_options.workspace, m_options.exclude, real_home());
    if (!hidden) {
      m_last_error = hidden.error().message;
      remove_tree(*run_dir);
      ++m_failures;
      return;
    }
    vo.hidden = std::move(*hidden);
    // A clone of the guest template is ready at once and costs no boot.
    if (templates_enabled()) {
      auto found = find_template(template_options(m_options.assets, m_options.accel, m_options.memory_mb));
      if (found.found) {
        if (auto clone = start_clone(found.tmpl, vo)) {
          auto slot = std::make_unique<Slot>();
          slot->vm = clone->vm;
          slot->hidden_digest = vo.hidden.digest();
          slot->channel = std::make_unique<Channel>(clone->fd);
          slot->ready = true;  // the template's builder read its hello
          m_slots.push_back(std::move(slot));
          continue;
        }
        mkdir(run_dir->c_str(), 0700);  // the failed clone removed it; boot cold instead
      }
    }
    auto vm = start_vm(vo);
    if (!vm) {
      m_last_error = vm.error().message;
      remove_tree(*run_dir);
      ++m_failures;
      return;
    }
    auto slot = std::make_unique<Slot>();
    slot->vm = *vm;
    slot->hidden_digest = vo.hidden.digest();
    auto fd = connect_socket(slot->vm, slot->vm.ctl_socket, 10000);
    if (!fd) {
      m_last_error = fd.error().message;
      stop_vm(slot->vm);
      ++m_failures;
      return;
    }
    slot->channel = std::make_unique<Channel>(*fd);
    m_slots.push_back(std::move(slot));
  }
}

void Pool::check_slots() {
  for (;;) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) break;
    m_handed.erase(pid);
    for (auto& s : m_slots) {
      if (s->vm.pid == pid) s->vm.pid = -1;  // died while pooled
    }
  }
  for (auto it = m_slots.begin(); it != m_slots.end();) {
    Slot& s = **it;
    bool drop = s.vm.pid <= 0;
    if (!drop && !s.ready) {
      s.channel->fill();
      proto::Frame f;
      if (s.channel->decoder().next(f) == proto::Decoder::Status::frame && f.type == proto::Type::hello) {
        s.ready = true;
        m_failures = 0;
      } else if (ms_since(s.started) > m_limits.boot_ms) {
        drop = true;
      }
    }
    if (drop) {
      m_last_error = describe_failure(s.vm, "a pooled guest failed to boot", 0, false);
      ++m_failures;
      stop_vm(s.vm);
      it = m_slots.erase(it);
    } else {
      ++it;
    }
  }
}

void Pool::handle_client(int fd) {
  std::string line;
  if (!wire::read_line(fd, line, 2000)) return;
  m_last_request = Clock::now();
  auto f = wire::fields(line);
  if (f[0] == "take" && f.size() == 4) {
    bool stale = false;
    for (auto it = m_slots.begin(); it != m_slots.end(); ++it) {
      Slot& s = **it;
      if (!s.ready || f[1] != m_options.workspace || f[2] != m_options.assets.version) continue;
      if (f[3] != s.hidden_digest) {
        // The workspace's secrets changed since this guest's QEMU started.
        stale = true;
        continue;
      }
      if (wire::send_line(fd, "vm\t" + std::to_string(s.vm.pid) + "\t" + s.vm.run_dir, s.channel->fd())) {
        m_handed.insert(s.vm.pid);
        m_slots.erase(it);  // closes our end; the taker owns the guest now
        refill();
        return;
      }
      break;
    }
    wire::send_line(fd, "none");
    if (stale) {
      for (auto& s : m_slots) stop_vm(s->vm);
      m_slots.clear();
      refill();
    }
  } else if (f[0] == "status") {
    for (const auto& s : m_slots) {
      wire::send_line(fd, std::string(s->ready ? "ready" : "booting") + "\t" + m_options.workspace + "\t" +
                              m_options.assets.version + "\t" + std::to_string(s->vm.pid) + "\t" +
                              std::to_string(ms_since(s->started)));
    }
    for (pid_t p : m_handed) wire::send_line(fd, "in-use\t" + m_options.workspace + "\t" + m_options.assets.version + "\t" + std::to_string(p) + "\t0");
    if (m_failures > 0) wire::send_line(fd, "error\t" + m_last_error.substr(0, m_last_error.find('\n')));
    wire::send_line(fd, "end");
  } else if (f[0] == "stop") {
    m_stop = true;
    wire::send_line(fd, "ok");
  } else {
    wire::send_line(fd, "error\tunknown request");
  }
}

void Pool::kill_all() {
  for (auto& s : m_slots) stop_vm(s->vm);
  m_slots.clear();
}

void Pool::serve() {
  refill();
  while (!m_stop) {
    std::vector<pollfd> fds{{m_listen, POLLIN, 0}};
    for (auto& s : m_slots) {
      if (!s->ready) fds.push_back({s->channel->fd(), POLLIN, 0});
    }
    poll(fds.data(), fds.size(), 500);
    if (fds[0].revents & POLLIN) {
      int c = accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
      if (c >= 0) {
        handle_client(c);
        close(c);
      }
    }
    check_slots();
    refill();
    if (m_handed.empty() && ms_since(m_last_request) > m_options.idle_seconds * 1000) break;
  }
  kill_all();
}

}  // namespace

Result<std::string> pool_socket_path() {
  auto dir = runtime_dir();
  if (!dir) return dir.error();
  return *dir + "/pool.sock";
}

void serve_pool(const PoolOptions& options, int listen_fd) {
  Pool pool(options, listen_fd);
  pool.serve();
}

bool stop_pool() {
  auto path = pool_socket_path();
  if (!path) return false;
  int fd = wire::connect_unix(*path);
  if (fd < 0) return false;
  std::string reply;
  bool ok = wire::send_line(fd, "stop") && wire::read_line(fd, reply, 5000) && reply == "ok";
  close(fd);
  // Wait for the pool to go (it removes nothing the next pool needs).
  for (int i = 0; ok && i < 500 && wire::connect_unix(*path) >= 0; ++i) usleep(10000);
  return ok;
}

Result<std::string> warm_pool(const PoolOptions& options, int wait_ready_ms) {
  auto path = pool_socket_path();
  if (!path) return path.error();
  // A running pool serves one workspace; a request for another replaces it.
  if (int fd = wire::connect_unix(*path); fd >= 0) {
    close(fd);
    stop_pool();
  }
  unlink(path->c_str());
  int listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path->c_str(), sizeof addr.sun_path - 1);
  if (listen_fd < 0 || bind(listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listen_fd, 8) != 0) {
    return make_error("cannot listen on " + *path + ": " + std::strerror(errno));
  }
  pid_t pid = fork();
  if (pid < 0) return make_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // The pool outlives the command that started it.
    setsid();
    int null_fd = open("/dev/null", O_RDWR);
    dup2(null_fd, 0);
    dup2(null_fd, 1);
    dup2(null_fd, 2);
    signal(SIGPIPE, SIG_IGN);
    if (fork() != 0) _exit(0);  // not a child of vg: nobody waits for it
    serve_pool(options, listen_fd);
    unlink(path->c_str());
    _exit(0);
  }
  close(listen_fd);
  int status = 0;
  waitpid(pid, &status, 0);
  std::string msg = "warm pool started for " + options.workspace + " (" + std::to_string(options.size) + " guest)";
  if (wait_ready_ms <= 0) return msg;
  auto deadline = Clock::now() + std::chrono::milliseconds(wait_ready_ms);
  while (Clock::now() < deadline) {
    int fd = wire::connect_unix(*path);
    if (fd >= 0) {
      std::string line;
      bool ready = false;
      std::string error;
      if (wire::send_line(fd, "status")) {
        while (wire::read_line(fd, line, 2000) && line != "end") {
          auto f = wire::fields(line);
          if (f[0] == "ready") ready = true;
          if (f[0] == "error" && f.size() > 1) error = f[1];
        }
      }
      close(fd);
      if (ready) return msg + "; a guest is ready";
      if (!error.empty()) return make_error("the warm pool could not boot a guest: " + error);
    }
    usleep(100000);
  }
  return make_error("no pooled guest became ready within " + std::to_string(wait_ready_ms / 1000) + " s");
}

}  // namespace vg::sandbox::microvm
