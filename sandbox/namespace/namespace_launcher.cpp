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
#include "config/owned.hpp"
#include "sandbox/ending.hpp"
#include "config/file_clock.hpp"
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
Result<std::vector<UniqueFd>> make_trees(ns::Plan& plan) {
  std::string why;
  UniqueFd userns(ns::make_idmap_userns(plan.outer_uid, plan.outer_gid, why));
  if (userns.valid()) plan.tree_fds = ns::make_idmapped_trees(plan, userns.get(), why);
  std::vector<UniqueFd> owned;
  for (int fd : plan.tree_fds) owned.emplace_back(fd);
  if (why.empty()) return owned;
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

// The sandbox as vg holds it once it is cloned.
struct Started {
  ChildProcess init;          // the sandbox's pid 1, a child of vg on both paths
  ChildProcess intermediate;  // the multithreaded path's forked helper (exits at once)
  UniqueFd sock;              // vg's end of the setup channel (channel.hpp)
};

Result<void> send_msg(int sock, char msg) {
  if (send(sock, &msg, 1, MSG_NOSIGNAL) == 1) return {};
  return make_error(std::string("send(setup socket): ") + std::strerror(errno));
}

// Clone the sandbox's init (through an intermediate process when vg has
// other threads) and let it go on: into the cgroups, ids mapped, 'go'.
Result<Started> start_sandbox(ns::Plan& plan, const SignalGuard& guard, const std::vector<sock_filter>* trace,
                              ns::Cgroup& cgroup) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    return make_error(std::string("socketpair: ") + std::strerror(errno));
  }
  Started s;
  s.sock.reset(sv[0]);
  UniqueFd theirs(sv[1]);
  std::fflush(nullptr);
  // A raw clone skips glibc's fork handlers: with other threads around, a
  // malloc or stdio lock one of them holds would stay locked in the child.
  // Then fork through glibc first and clone from that single thread.
  bool via_intermediate = multithreaded();
  int pid_pipe[2] = {-1, -1};
  if (via_intermediate && pipe2(pid_pipe, O_CLOEXEC) != 0) return make_error(std::string("pipe2: ") + std::strerror(errno));
  UniqueFd pid_r(pid_pipe[0]), pid_w(pid_pipe[1]);
  long pid = via_intermediate ? fork_then_clone(plan, sv, guard, pid_pipe, trace)
                              : syscall(SYS_clone, plan.clone_flags | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
  if (pid == 0) {
    close(sv[0]);
    ns::run_child(plan, sv[1], guard.previous(), trace);
  }
  int err = errno;
  theirs.reset();
  pid_w.reset();
  if (pid < 0) {
    std::string hint = userns_hint(err);
    return make_error(std::string("clone(CLONE_NEWUSER|CLONE_NEWNS|CLONE_NEWPID|...): ") + std::strerror(err) +
                      (hint.empty() ? "" : "; " + hint));
  }
  (via_intermediate ? s.intermediate : s.init) = ChildProcess(static_cast<pid_t>(pid));
  if (plan.wait_for_parent) {
    // The cgroups take the process that makes init (the intermediate) or
    // init itself; init's ids are mapped here on the direct path.
    if (cgroup.active()) {
      if (std::string why = cgroup.add(static_cast<pid_t>(pid)); !why.empty()) return make_error("cgroup: " + why);
    }
    if (!via_intermediate && plan.maps_by_parent) {
      if (std::string why = write_id_maps(plan, static_cast<pid_t>(pid)); !why.empty()) return make_error(why);
    }
    if (auto r = send_msg(s.sock.get(), ns::k_msg_go); !r) return r.error();
  }
  if (!via_intermediate) return s;
  pid_t init = -1;
  ssize_t n;
  do {
    n = read(pid_r.get(), &init, sizeof init);
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(sizeof init)) {
    s.intermediate.wait();
    auto failed = await_ready(s.sock.get());  // the intermediate's report, if it made one
    return make_error("sandbox setup failed: " + (failed ? std::string("the sandbox's init was not started")
                                                          : failed.error().message));
  }
  s.init = ChildProcess(init);
  if (plan.maps_by_parent) {
    if (std::string why = write_id_maps(plan, init); !why.empty()) return make_error(why);
    if (auto r = send_msg(s.sock.get(), ns::k_msg_go); !r) return r.error();
  }
  return s;
}

// The restricted network: vg's allow-list proxy (sandbox/proxy), listening
// from here on. Its sockets are mounted in one by one (onto empty files in
// the root, read-only once set up), so that their host directory can go as
// soon as the sandbox is set up; the network step starts the bridge to them.
Result<std::unique_ptr<proxy::HostNetwork>> prepare_network(const Spec& spec, ns::Plan& plan) {
  if (plan.network != config::NetworkMode::restricted) return std::unique_ptr<proxy::HostNetwork>();
  auto prepared = proxy::HostNetwork::prepare(spec.profile.network, spec.network_observer);
  if (!prepared) return prepared.error();
  auto net = std::move(*prepared);
  if (auto admitted = net->admit(plan.outer_uid, plan.outer_gid); !admitted) return admitted.error();
  for (const auto& s : net->sandbox_sockets()) {
    plan.mounts.push_back({ns::MountOp::Kind::bind_dev, std::string(ns::k_old_root) + s.host_path, s.sandbox_path, "", -1});
  }
  // An allow-listed loopback service is the host's: forwarded at the address
  // and port written, or, without a port, through the proxy (no_proxy.hpp).
  proxy::apply_proxy_environment(plan.env, proxy::k_bridge_port, spec.profile.network.allowed_hosts);
  plan.loopback_forwards = proxy::loopback_forwards(spec.profile.network.allowed_hosts, proxy::k_bridge_port);
  return net;
}

// Cgroups for the limits, or the rlimit fallbacks, with a note for each
// limit that no longer holds for the whole sandbox (and a refusal when the
// config requires them).
Result<void> apply_limits(const Spec& spec, ns::Plan& plan, ns::Cgroup& cgroup) {
  static std::atomic<int> counter{0};
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
  return {};
}

class NamespaceLauncher : public Launcher {
 public:
  const char* name() const override { return "namespace"; }
  Result<Outcome> run(const Spec& spec) override;
};

Result<Outcome> NamespaceLauncher::run(const Spec& spec) {
  // The conflict clock: host changes at or after `started` happened during
  // the run. Every host write before now is stamped at or before `begun`
  // (file_clock.hpp): the coarse clock, or later when a file whose times
  // were looked at got a fine stamp (multigrain timestamps). A bare coarse
  // reading got that wrong: a fine stamp given a moment before vg began
  // could be later than the next coarse tick, and the write was taken for
  // a concurrent one. The command starts only once the coarse clock is past
  // `begun`; that value, `started`, is what every host write during the
  // command is stamped with at least. The sandbox's init waits for it in
  // parallel with its setup (instead of vg waiting before the clone) and
  // reports it.
  timespec begun = latest_file_stamp();
  Timing timing(spec.timing);
  auto planned = ns::make_plan(spec);
  if (!planned) return planned.error();
  ns::Plan& plan = *planned;
  timing.mark("plan");

  auto net = prepare_network(spec, plan);
  if (!net) return net.error();
  ns::Cgroup cgroup;
  if (auto r = apply_limits(spec, plan, cgroup); !r) return r.error();
  timing.mark("cgroups");

  // Only bytes cross for the caller's stdio, never a host file or directory
  // (stdio_relay.hpp); the terminal is lent to the sandbox's own group.
  StdioRelay relay;
  if (auto r = relay.prepare(); !r) return r.error();
  for (int n = 0; n < 3; ++n) plan.stdio[static_cast<size_t>(n)] = relay.child_end(n);
  if (plan.maps_by_parent) relay.lend_pipes_to(plan.outer_uid, plan.outer_gid);
  ForegroundTerminal terminal;
  plan.hand_terminal = terminal.active();
  // While the sandbox holds the terminal, vg's own lines (the proxy's
  // refusals) must not stop it: a command that sets TOSTOP would otherwise
  // stop vg, and with it the time limit, with SIGTTOU.
  struct sigaction ignore_ttou{}, old_ttou{};
  ignore_ttou.sa_handler = SIG_IGN;
  if (plan.hand_terminal) sigaction(SIGTTOU, &ignore_ttou, &old_ttou);
  ScopeGuard restore_ttou([&] {
    if (plan.hand_terminal) sigaction(SIGTTOU, &old_ttou, nullptr);
  });
  plan.start_after = ns::take_run_begun(begun);  // or earlier: when vg began (plan.hpp)

  std::vector<UniqueFd> trees;  // the sandbox takes its own copies at the clone
  if (plan.tree_count) {
    auto made = make_trees(plan);
    if (!made) return made.error();
    trees = std::move(*made);
  }
  timing.mark("idmap");

  SignalGuard guard;
  // Spec::trace: the filter compiled at build time (seccomp_program.hpp).
  const std::vector<sock_filter>* trace = spec.trace ? &ns::precompiled_trace_filter() : nullptr;
  auto started_sandbox = start_sandbox(plan, guard, trace, cgroup);
  trees.clear();
  plan.tree_fds.clear();
  if (!started_sandbox) return started_sandbox.error();
  Started& sandbox = *started_sandbox;
  relay.start();
  timing.mark("clone");

  if (*net) {  // the proxy's threads start after the clone; it is listening already
    if (auto r = (*net)->start(); !r) return r.error();
  }
  timespec started{};
  auto ready = await_ready(sandbox.sock.get(), &started);
  if (!ready) {
    sandbox.init.wait();  // it reported and exits
    return make_error("sandbox setup failed: " + ready.error().message);
  }
  UniqueFd upper(*ready);
  if (*net) (*net)->release_socket_dir();  // the sandbox has mounted the proxy's sockets
  if (plan.hand_terminal) {
    // init made its group (pgid = its pid) before the ready message, and
    // starts the command once the group has the terminal.
    terminal.give(sandbox.init.pid());
    if (auto r = send_msg(sandbox.sock.get(), ns::k_msg_foreground); !r) return r.error();
  }
  Outcome out;
  std::optional<trace::Tracer> tracer;
  if (trace) {
    int listener = await_trace_listener(sandbox.sock.get(), out.untraced_reason);
    if (listener >= 0) tracer.emplace(listener);
  }
  timing.mark("setup");

  // The setup socket stays open while the command runs: through it init is
  // told to end the sandbox at the time limit, and sees vg go if vg dies.
  bool reported = false;  // init told the code; its exit (the namespaces' teardown) is still going on
  ns::TimeLimit limit{spec.profile.resources.timeout, sandbox.sock.get(), ns::k_timeout_grace_ms, &reported,
                      plan.hand_terminal ? &terminal : nullptr};
  out.exit_code = ns::wait_child(guard, sandbox.init.pid(), limit, out.timed_out);
  // Reaped by wait_child, or (reported) after the commit: a cgroup can only
  // be removed once init is gone; without one it is reaped if done by then.
  pid_t exiting = sandbox.init.release();
  ScopeGuard late_reap([&] {
    if (reported) waitpid(exiting, nullptr, cgroup.active() ? 0 : WNOHANG);
  });
  sandbox.sock.reset();
  relay.finish();  // every writer is gone: what is left in the pipes is all there is
  terminal.take_back();
  terminal.restore_state();
  if (tracer) {
    trace::Trace seen = tracer->finish();
    out.traced = seen.complete;
    out.read_stdin = seen.read_stdin;
    out.untraced_reason = seen.incomplete_reason;
    out.executed = std::move(seen.executed);
    out.entropy = seen.entropy;
    out.stated = ns::host_stated(plan, seen);
    out.inputs = ns::host_inputs(plan, seen);
    tracer.reset();
  }
  timing.mark("run");
  if (cgroup.oom_killed()) std::fprintf(stderr, "vg: the command hit the sandbox's memory limit and was killed\n");
  std::vector<WriteLayer> layers;
  for (size_t i = 0; i < plan.layers.size(); ++i) {
    std::string dir = "/proc/self/fd/" + std::to_string(upper.get()) + "/" + std::to_string(i) + "/upper";
    layers.push_back({dir, plan.layers[i].host_path, plan.layers[i].sandbox_path, i == 0, plan.layers[i].refuse_all});
  }
  finish_run(spec, layers, started, net->get(), out);
  timing.mark("commit");
  return out;
}

}  // namespace

std::unique_ptr<Launcher> make_namespace_launcher(const config::Config&) {
  return std::make_unique<NamespaceLauncher>();
}

}  // namespace vg::sandbox
