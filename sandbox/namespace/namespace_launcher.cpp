// The parent's side of a namespace sandbox: plan, clone with every namespace
// flag at once, map the caller's ids, join the cgroups, release the child,
// supervise it like a host command, then commit its writes.
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <optional>

#include "sandbox/namespace/cgroup.hpp"
#include "sandbox/namespace/child.hpp"
#include "sandbox/namespace/idmap.hpp"
#include "sandbox/namespace/namespace.hpp"
#include "sandbox/namespace/plan.hpp"
#include "sandbox/namespace/seccomp_program.hpp"
#include "sandbox/namespace/trace_map.hpp"
#include "sandbox/namespace/wait.hpp"
#include "sandbox/policy/policy.hpp"
#include "sandbox/proxy/sandbox_network.hpp"
#include "config/load.hpp"
#include "config/exit_codes.hpp"
#include "config/fd_io.hpp"
#include "sandbox/stdio_relay.hpp"
#include "sandbox/supervise.hpp"
#include "sandbox/terminal.hpp"

namespace vg::sandbox {

namespace {

std::string read_sysctl(const char* path) {
  std::ifstream in(path);
  std::string v;
  in >> v;
  return v;
}

// Why clone(CLONE_NEWUSER) failed, in words a user can act on.
std::string userns_hint(int err) {
  if (read_sysctl("/proc/sys/kernel/unprivileged_userns_clone") == "0" && getuid() != 0) {
    return "unprivileged user namespaces are disabled (sysctl kernel.unprivileged_userns_clone=0): "
           "enable them, run vg as root, or use sandbox.runtime: microvm";
  }
  if (read_sysctl("/proc/sys/user/max_user_namespaces") == "0") {
    return "user namespaces are disabled (sysctl user.max_user_namespaces=0)";
  }
  if (read_sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == "1" && getuid() != 0) {
    return "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1)";
  }
  if (err == EPERM) return "this process may not create namespaces (inside a container or a seccomp filter?)";
  if (err == ENOSPC || err == EUSERS) return "the limit on namespaces is reached (see /proc/sys/user/max_*_namespaces)";
  return "";
}

// Read the child's answer: ready (with the upper mount fd, and in `tick`
// the coarse time from which the command may run) or an error.
Result<int> await_ready(int sock, timespec* tick = nullptr) {
  char buf[2048];
  int fd = -1;
  std::size_t nfds = 0;
  long n = recv_with_fds(sock, buf, sizeof buf - 1, &fd, 1, nfds);
  if (n <= 0) return make_error("the sandbox process ended during setup without a report");
  buf[n] = '\0';
  if (buf[0] == ns::k_msg_error) {
    if (fd >= 0) close(fd);
    return make_error(std::string(buf + 1));
  }
  if (buf[0] != ns::k_msg_ready || fd < 0 || n != static_cast<long>(1 + sizeof(timespec))) {
    if (fd >= 0) close(fd);
    return make_error("unexpected message from the sandbox process");
  }
  if (tick) std::memcpy(tick, buf + 1, sizeof *tick);
  return fd;
}

// Read the command process's trace report: the listener fd, or -1 with
// `why` set.
int await_trace_listener(int sock, std::string& why) {
  char buf[512];
  int fd = -1;
  std::size_t nfds = 0;
  long n = recv_with_fds(sock, buf, sizeof buf - 1, &fd, 1, nfds);
  if (n > 0 && buf[0] == ns::k_msg_traced && fd >= 0) return fd;
  if (fd >= 0) close(fd);
  buf[n > 0 ? n : 0] = '\0';
  why = n <= 0 ? "the command's process ended before it could be traced"
               : buf[0] == ns::k_msg_untraced ? std::string(buf + 1) : "unexpected message from the command's process";
  return -1;
}

// The idmapped workspace and volumes of a sandbox root started (idmap.hpp),
// made before the clone so the sandbox inherits them. Without them root's
// project would not be the command's: fail closed and say why.
Result<void> make_trees(ns::Plan& plan) {
  std::string why;
  int userns = ns::make_idmap_userns(plan.outer_uid, plan.outer_gid, why);
  if (userns >= 0) {
    plan.tree_fds = ns::make_idmapped_trees(plan, userns, why);
    close(userns);
  }
  if (why.empty()) return {};
  for (int fd : plan.tree_fds) close(fd);
  plan.tree_fds.clear();
  return make_error("as root, the sandbox runs as an unprivileged id and sees the workspace through idmapped "
                    "mounts, and they could not be made: " + why +
                    " (hint: run vg as an ordinary user, or keep the project on a file system that supports "
                    "idmapped mounts)");
}

// Map the sandbox's ids to its host ids (Plan::maps_by_parent: only vg,
// with CAP_SETUID in the host's namespace, may map an id other than its
// own). An empty string on success, else why.
std::string write_id_maps(const ns::Plan& plan, pid_t pid) {
  std::string dir = "/proc/" + std::to_string(pid) + "/";
  std::string uid = std::to_string(plan.inner_uid) + " " + std::to_string(plan.outer_uid) + " 1\n";
  std::string gid = std::to_string(plan.inner_gid) + " " + std::to_string(plan.outer_gid) + " 1\n";
  // setgroups stays allowed: init drops the supplementary groups it still
  // has from vg (root's) with it before anything else (child.cpp).
  for (auto [file, text] : {std::pair<const char*, const std::string*>{"uid_map", &uid}, {"gid_map", &gid}}) {
    std::string path = dir + file;
    int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
    bool ok = fd >= 0 && write(fd, text->data(), text->size()) == static_cast<ssize_t>(text->size());
    int err = errno;
    if (fd >= 0) close(fd);
    if (!ok) return "user namespace: writing " + path + ": " + std::strerror(err);
  }
  return {};
}

bool multithreaded() {
  int n = 0;
  if (DIR* d = opendir("/proc/self/task")) {
    while (dirent* e = readdir(d)) n += e->d_name[0] != '.';
    closedir(d);
  }
  return n > 1;
}

// The start-up path for a multithreaded caller: an intermediate process,
// forked by glibc, clones the sandbox's init as a sibling (CLONE_PARENT: a
// child of vg, which waits for it directly), writes init's pid to
// `pid_pipe` and exits. Returns the intermediate's pid (or -1 with errno).
long fork_then_clone(ns::Plan& plan, const int sv[2], const SignalGuard& guard, const int pid_pipe[2],
                     const std::vector<sock_filter>* trace) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  close(sv[0]);
  close(pid_pipe[0]);
  if (plan.wait_for_parent) {
    // The parent moves this process into the cgroups; init inherits them.
    char go = 0;
    if (read(sv[1], &go, 1) != 1 || go != ns::k_msg_go) _exit(ns::k_setup_failed);
    // init waits for a go of its own when vg writes its id maps.
    plan.wait_for_parent = plan.maps_by_parent;
  }
  long init = syscall(SYS_clone, plan.clone_flags | CLONE_PARENT | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
  if (init < 0) {
    int err = errno;
    std::string hint = userns_hint(err);
    ns::fail_step(sv[1], "namespaces", "clone", nullptr, err, hint.empty() ? nullptr : hint.c_str());
  }
  if (init == 0) {
    close(pid_pipe[1]);
    ns::run_child(plan, sv[1], guard.previous(), trace);
  }
  auto init_pid = static_cast<pid_t>(init);
  _exit(write(pid_pipe[1], &init_pid, sizeof init_pid) == static_cast<ssize_t>(sizeof init_pid) ? 0
                                                                                                  : ns::k_setup_failed);
}

// Spec::timing prints where the launcher's time went, to stderr.
class Timing {
 public:
  explicit Timing(bool on) : m_on(on) { clock_gettime(CLOCK_MONOTONIC, &m_last); }
  void mark(const char* what) {
    if (!m_on) return;
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    double us = (now.tv_sec - m_last.tv_sec) * 1e6 + (now.tv_nsec - m_last.tv_nsec) / 1e3;
    std::fprintf(stderr, "vg: sandbox timing: %-10s %8.0f us\n", what, us);
    m_last = now;
  }

 private:
  bool m_on;
  timespec m_last{};
};

class NamespaceLauncher : public Launcher {
 public:
  const char* name() const override { return "namespace"; }
  Result<Outcome> run(const Spec& spec) override;

 private:
  void commit(const Spec& spec, const ns::Plan& plan, int upper_fd, const timespec& started, Outcome& out);
};

void NamespaceLauncher::commit(const Spec& spec, const ns::Plan& plan, int upper_fd, const timespec& started,
                               Outcome& out) {
  // resources.disk bounds what all layers may commit together, by apparent
  // size as well as blocks: a sparse 2 GiB file took 4 KiB of the tmpfs.
  std::uint64_t used = 0;
  for (size_t i = 0; i < plan.layers.size(); ++i) {
    const auto& layer = plan.layers[i];
    policy::Rules rules;
    if (i == 0) rules.exclude = spec.profile.exclude;
    rules.started_at = started;
    rules.quarantine_base = config::dirs().state + "/quarantine";
    rules.apply = spec.dry_run_writes ? policy::Apply::dry_run : policy::Apply::commit;
    rules.sandbox_root = layer.sandbox_path;
    rules.max_total_size = spec.profile.resources.disk;
    rules.total_before = used;
    std::string upper = "/proc/self/fd/" + std::to_string(upper_fd) + "/" + std::to_string(i) + "/upper";
    auto report = policy::commit_write_set(upper, layer.host_path, rules);
    if (!report) {
      std::fprintf(stderr, "vg: error: the sandbox's writes to %s could not be checked: %s\n", layer.host_path.c_str(),
                   report.error().message.c_str());
      if (out.exit_code == 0) out.exit_code = exit_code::k_internal;
      continue;
    }
    used = report->total_size;
    std::string text = policy::format_report(*report, spec.dry_run_writes);
    if (!text.empty()) std::fputs(text.c_str(), stderr);
    for (auto& c : report->changes) out.changes.push_back(std::move(c));
    if (!report->quarantine.empty()) out.quarantine = report->quarantine;
  }
}

Result<Outcome> NamespaceLauncher::run(const Spec& spec) {
  // The conflict clock: host changes at or after `started` happened during
  // the run. File times come from the kernel's coarse clock (one value per
  // tick) or, for files whose times were looked at, the fine one. The
  // command starts only once the coarse clock has moved past `begun`; its
  // new value, `started`, is what every host write during the command is
  // stamped with at least, while writes before vg started are stamped
  // `begun` or earlier. The sandbox's init waits for that tick in parallel
  // with its setup (instead of vg waiting before the clone) and reports it.
  timespec begun{};
  clock_gettime(CLOCK_REALTIME_COARSE, &begun);
  Timing timing(spec.timing);
  auto planned = ns::make_plan(spec);
  if (!planned) return planned.error();
  timing.mark("plan");
  ns::Plan& plan = *planned;
  // restricted network: vg's allow-list proxy (sandbox/proxy), listening from
  // here on. Its sockets are mounted in one by one (onto empty files in the
  // root, read-only once set up), so that their host directory can go as soon
  // as the sandbox is set up (release_socket_dir below); the network step
  // starts the bridge to them.
  std::unique_ptr<proxy::HostNetwork> net;
  if (plan.network == config::NetworkMode::restricted) {
    auto prepared = proxy::HostNetwork::prepare(spec.profile.network, spec.network_observer);
    if (!prepared) return prepared.error();
    net = std::move(*prepared);
    if (auto admitted = net->admit(plan.outer_uid, plan.outer_gid); !admitted) return admitted.error();
    for (const auto& s : net->sandbox_sockets()) {
      plan.mounts.push_back({ns::MountOp::Kind::bind_dev, std::string(ns::k_old_root) + s.host_path, s.sandbox_path, "", -1});
    }
    proxy::apply_proxy_environment(plan.env, proxy::k_bridge_port);
  }

  static std::atomic<int> counter{0};
  ns::Cgroup cgroup;
  bool memory_ok = false, pids_ok = false;
  cgroup.create(plan.limits, "vg-" + std::to_string(getpid()) + "-" + std::to_string(counter++), memory_ok, pids_ok,
                plan.notes);
  if (spec.profile.resources.require_limits && !cgroup.unenforced().empty()) {
    return make_error("sandbox.resources.require_limits is true, and these limits cannot hold for the sandbox as a "
                      "whole: " + cgroup.unenforced());
  }
  plan.rlimit_memory = !memory_ok;
  plan.rlimit_pids = !pids_ok;
  plan.wait_for_parent = cgroup.active() || plan.maps_by_parent;
  for (const auto& n : plan.notes) std::fprintf(stderr, "vg: note: %s\n", n.c_str());
  timing.mark("cgroups");

  Outcome out;

  // Only bytes cross for the caller's stdio, never a host file or directory
  // (stdio_relay.hpp); the terminal is lent to the sandbox's own group.
  StdioRelay relay;
  if (auto r = relay.prepare(); !r) return r.error();
  for (int n = 0; n < 3; ++n) plan.stdio[static_cast<size_t>(n)] = relay.child_end(n);
  if (plan.maps_by_parent) relay.lend_pipes_to(plan.outer_uid, plan.outer_gid);
  ForegroundTerminal terminal;
  plan.hand_terminal = terminal.active();

  plan.start_after = ns::take_run_begun(begun);  // or earlier: when vg began (plan.hpp)
  if (plan.tree_count) {
    if (auto trees = make_trees(plan); !trees) return trees.error();
  }
  timing.mark("idmap");
  SignalGuard guard;
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    return make_error(std::string("socketpair: ") + std::strerror(errno));
  }
  std::fflush(nullptr);
  // A raw clone skips glibc's fork handlers: with other threads around, a
  // malloc or stdio lock one of them holds would stay locked in the child.
  // Then fork through glibc first and clone from that single thread.
  int pid_pipe[2] = {-1, -1};
  bool via_intermediate = multithreaded();
  if (via_intermediate && pipe2(pid_pipe, O_CLOEXEC) != 0) {
    int err = errno;
    close(sv[0]);
    close(sv[1]);
    return make_error(std::string("pipe2: ") + std::strerror(err));
  }
  // Spec::trace: the filter compiled at build time (seccomp_program.hpp).
  const std::vector<sock_filter>* trace = spec.trace ? &ns::precompiled_trace_filter() : nullptr;
  long pid = via_intermediate ? fork_then_clone(plan, sv, guard, pid_pipe, trace)
                              : syscall(SYS_clone, plan.clone_flags | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
  if (via_intermediate) close(pid_pipe[1]);
  if (pid < 0) {
    int err = errno;
    close(sv[0]);
    close(sv[1]);
    for (int fd : plan.tree_fds) close(fd);
    if (via_intermediate) close(pid_pipe[0]);
    std::string hint = userns_hint(err);
    return make_error(std::string("clone(CLONE_NEWUSER|CLONE_NEWNS|CLONE_NEWPID|...): ") + std::strerror(err) +
                      (hint.empty() ? "" : "; " + hint));
  }
  if (pid == 0) {
    close(sv[0]);
    ns::run_child(plan, sv[1], guard.previous(), trace);
  }
  close(sv[1]);
  relay.start();
  // The sandbox has its own copies of the idmapped trees now.
  for (int fd : plan.tree_fds) close(fd);
  plan.tree_fds.clear();
  timing.mark("clone");
  auto abort_child = [&](Error e) -> Result<Outcome> {
    kill(static_cast<pid_t>(pid), SIGKILL);
    waitpid(static_cast<pid_t>(pid), nullptr, 0);
    close(sv[0]);
    return e;
  };
  if (net) {  // the proxy's threads start after the clone; it is listening already
    if (auto r = net->start(); !r) return abort_child(r.error());
  }
  if (plan.wait_for_parent) {
    if (cgroup.active()) {
      if (std::string why = cgroup.add(static_cast<pid_t>(pid)); !why.empty()) {
        return abort_child(make_error("cgroup: " + why));
      }
    }
    if (!via_intermediate && plan.maps_by_parent) {
      if (std::string why = write_id_maps(plan, static_cast<pid_t>(pid)); !why.empty()) return abort_child(make_error(why));
    }
    char go = ns::k_msg_go;
    if (write(sv[0], &go, 1) != 1) {
      return abort_child(make_error(std::string("write(setup socket): ") + std::strerror(errno)));
    }
  }
  // The intermediate is reaped once the run is over: its exit (the teardown
  // of a copy of vg's address space) need not delay the sandbox's start.
  pid_t intermediate = -1;
  struct Reap {
    const pid_t& pid;
    ~Reap() {
      if (pid > 0) waitpid(pid, nullptr, 0);
    }
  } reap{intermediate};
  if (via_intermediate) {
    // From here on vg deals with init itself; the intermediate is done.
    pid_t init = -1;
    ssize_t n;
    do {
      n = read(pid_pipe[0], &init, sizeof init);
    } while (n < 0 && errno == EINTR);
    close(pid_pipe[0]);
    intermediate = static_cast<pid_t>(pid);
    if (n != static_cast<ssize_t>(sizeof init)) {
      waitpid(intermediate, nullptr, 0);
      auto failed = await_ready(sv[0]);  // the intermediate's report, if it made one
      close(sv[0]);
      return make_error("sandbox setup failed: " + (failed ? std::string("the sandbox's init was not started")
                                                            : failed.error().message));
    }
    pid = init;
    if (plan.maps_by_parent) {
      if (std::string why = write_id_maps(plan, init); !why.empty()) return abort_child(make_error(why));
      char go = ns::k_msg_go;
      if (write(sv[0], &go, 1) != 1) {
        return abort_child(make_error(std::string("write(setup socket): ") + std::strerror(errno)));
      }
    }
  }
  timespec started{};
  auto ready = await_ready(sv[0], &started);
  if (!ready) {
    close(sv[0]);
    waitpid(static_cast<pid_t>(pid), nullptr, 0);
    return make_error("sandbox setup failed: " + ready.error().message);
  }
  int upper_fd = *ready;
  // The sandbox has mounted the proxy's sockets: their host names can go.
  if (net) net->release_socket_dir();
  if (plan.hand_terminal) {
    // init made its group (pgid = its pid) before the ready message, and
    // starts the command once the group has the terminal.
    terminal.give(static_cast<pid_t>(pid));
    char msg = ns::k_msg_foreground;
    if (send(sv[0], &msg, 1, MSG_NOSIGNAL) != 1) {
      int err = errno;
      close(upper_fd);
      return abort_child(make_error(std::string("send(setup socket): ") + std::strerror(err)));
    }
  }
  std::optional<trace::Tracer> tracer;
  if (trace) {
    int listener = await_trace_listener(sv[0], out.untraced_reason);
    if (listener >= 0) tracer.emplace(listener);
  }
  timing.mark("setup");

  // The setup socket stays open while the command runs: through it init is
  // told to end the sandbox at the time limit, and sees vg go if vg dies.
  bool reported = false;  // init told the code; its exit (the namespaces' teardown) is still going on
  ns::TimeLimit limit{spec.profile.resources.timeout, sv[0], ns::k_timeout_grace_ms, &reported,
                      plan.hand_terminal ? &terminal : nullptr};
  out.exit_code = ns::wait_child(guard, static_cast<pid_t>(pid), limit, out.timed_out);
  close(sv[0]);
  relay.finish();  // every writer is gone: what is left in the pipes is all there is
  terminal.take_back();
  // Reaped after the commit, or (without cgroups to remove) only if done by then.
  struct LateReap {
    pid_t pid;
    bool pending;
    bool wait;
    ~LateReap() {
      if (pending) waitpid(pid, nullptr, wait ? 0 : WNOHANG);
    }
  } late_reap{static_cast<pid_t>(pid), reported, cgroup.active()};
  if (out.timed_out) {
    std::fprintf(stderr, "vg: sandbox: timed out after %llus (resources.timeout); killed\n",
                 static_cast<unsigned long long>(spec.profile.resources.timeout));
    out.exit_code = exit_code::k_timed_out;
  }
  if (tracer) {
    trace::Trace seen = tracer->finish();
    out.traced = seen.complete;
    out.read_stdin = seen.read_stdin;
    out.untraced_reason = seen.incomplete_reason;
    out.inputs = ns::host_inputs(plan, seen);
    tracer.reset();
  }
  if (net) {
    std::string note = net->finish(out.exit_code);
    if (!note.empty()) std::fprintf(stderr, "vg: note: %s\n", note.c_str());
    out.used_network = net->stats().allowed > 0;
  }
  timing.mark("run");
  if (cgroup.oom_killed()) std::fprintf(stderr, "vg: the command hit the sandbox's memory limit and was killed\n");
  commit(spec, plan, upper_fd, started, out);
  close(upper_fd);
  timing.mark("commit");
  return out;
}

}  // namespace

std::unique_ptr<Launcher> make_namespace_launcher(const config::Config&) {
  return std::make_unique<NamespaceLauncher>();
}

}  // namespace vg::sandbox
