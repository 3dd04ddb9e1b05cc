#include "sandbox/microvm/launcher.hpp"

#include "config/exit_codes.hpp"
#include "config/load.hpp"
#include "config/printable.hpp"

#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "sandbox/microvm/acquire.hpp"
#include "sandbox/microvm/files.hpp"
#include "sandbox/microvm/net_relay.hpp"
#include "sandbox/microvm/qemu.hpp"
#include "sandbox/microvm/runtime_dir.hpp"
#include "sandbox/microvm/session.hpp"
#include "sandbox/ending.hpp"
#include "config/file_clock.hpp"
#include "sandbox/policy/policy.hpp"
#include "sandbox/secrets.hpp"
#include "sandbox/proxy/bridge.hpp"
#include "sandbox/proxy/sandbox_network.hpp"

namespace vg::sandbox::microvm {

namespace {

// `text` escaped line by line: a failure's description keeps its console
// lines, and nothing the guest wrote can forge or erase one of vg's.
std::string printable_lines(const std::string& text) {
  std::string out;
  for (std::size_t at = 0; at <= text.size();) {
    std::size_t nl = text.find('\n', at);
    if (nl == std::string::npos) nl = text.size();
    if (at != 0) out += '\n';
    out += printable(std::string_view(text).substr(at, nl - at));
    at = nl + 1;
  }
  return out;
}

std::string fresh_seed() {
  std::string seed(32, '\0');
  if (getrandom(seed.data(), seed.size(), 0) != static_cast<ssize_t>(seed.size())) seed.clear();
  return seed;
}

class MicrovmLauncher : public Launcher {
 public:
  MicrovmLauncher(const config::Config& config, Accel accel) : m_config(config), m_accel(accel) {}
  const char* name() const override { return "microvm"; }
  Result<Outcome> run(const Spec& spec) override;

 private:
  config::Config m_config;
  Accel m_accel;
};

// Whether the guest may have `workspace` as its share: "" when it is a
// project; the reason every change is refused when it may be seen but not
// written (the home, above it, vg's own files); an Error when it may not be
// shared at all (the root, a system directory: the guest has its own).
Result<std::string> share_verdict(const std::string& workspace, const std::string& home) {
  std::string ws = real_path(workspace);
  if (ws.empty()) ws = workspace;
  std::string why_not = protected_workspace(ws, home);
  if (why_not.empty()) return std::string();
  if (ws == "/" || why_not.rfind("a system directory", 0) == 0) {
    return make_error("microvm: " + ws + " is " + why_not + ", not a project: the microVM shares only a project "
                      "directory with its guest (run from one, or use sandbox.runtime: namespace)");
  }
  return ws + " is " + why_not + ", not a project: the guest sees it (its secrets hidden), but whatever the command "
         "writes there is refused and kept aside (run from a project directory to write to it)";
}

Result<Outcome> MicrovmLauncher::run(const Spec& spec) {
  if (spec.argv.empty()) return make_error("microvm: no command to run");
  std::string workspace = spec.workspace.empty() ? spec.cwd : spec.workspace;
  if (workspace.empty() || workspace.front() != '/') return make_error("microvm: the workspace path must be absolute");

  std::string home = real_home(spec.env);
  auto refuse_all = share_verdict(workspace, home);
  if (!refuse_all) return refuse_all.error();
  if (!refuse_all->empty()) std::fprintf(stderr, "vg: note: %s\n", refuse_all->c_str());

  auto options = default_asset_options();
  options.progress = [](const std::string& line) { std::fprintf(stderr, "vg: microvm: %s\n", line.c_str()); };
  auto assets = ensure_assets(options);
  if (!assets) return make_error("microvm: guest assets: " + assets.error().message);

  auto run_dir = make_run_dir("run");
  if (!run_dir) return run_dir.error();
  struct Cleanup {
    std::string dir;
    ~Cleanup() { remove_tree(dir); }
  } cleanup{*run_dir};
  std::string upper = *run_dir + "/upper";
  if (mkdir(upper.c_str(), 0700) != 0) return make_error("mkdir(\"" + upper + "\"): " + std::strerror(errno));

  SessionLimits limits = session_limits_from_env();
  limits.run_ms = spec.profile.resources.timeout * 1000;

  if (spec.profile.network.mode == config::NetworkMode::full) {
    std::fprintf(stderr, "vg: note: microvm: the guest has no network card; network: full is not available "
                         "(use restricted with allowed_hosts)\n");
  }
  // network: restricted — vg's allow-list proxy, listening before the guest
  // exists; the guest's bridge reaches it over the "vg.net" port.
  std::unique_ptr<proxy::HostNetwork> net;
  if (spec.profile.network.mode == config::NetworkMode::restricted) {
    auto prepared = proxy::HostNetwork::prepare(spec.profile.network, spec.network_observer);
    if (!prepared) return make_error("microvm: restricted network: " + prepared.error().message);
    net = std::move(*prepared);
    if (auto s = net->start(); !s) return make_error("microvm: restricted network: " + s.error().message);
    // The relay connects through host_socket() (a descriptor of vg's): the
    // socket directory need not outlive this line, whatever ends vg.
    net->release_socket_dir();
  }

  // A warm guest from the pool, else a template clone, else a cold boot.
  GuestRequest request;
  request.assets = *assets;
  request.accel = m_accel;
  request.memory_mb = m_config.microvm.memory >> 20;
  request.workspace = workspace;
  request.run_dir = *run_dir;
  auto hidden = find_hidden_paths(workspace, spec.profile.exclude, home);
  if (!hidden) return make_error("microvm: " + hidden.error().message);
  request.hidden = std::move(*hidden);
  auto guest = acquire_guest(request);
  if (!guest) return make_error("microvm: " + guest.error().message);
  Vm vm = guest->vm;
  std::unique_ptr<Channel> channel = std::move(guest->channel);
  bool greeted = guest->greeted;
  struct StopVm {
    Vm& vm;
    ~StopVm() { stop_vm(vm); }
  } stop{vm};

  if (!greeted) {
    auto hello = wait_hello(*channel, vm, limits.boot_ms);
    if (!hello) return make_error("microvm: " + hello.error().message);
  }
  std::unique_ptr<NetRelay> relay;
  if (net) {
    auto r = NetRelay::start(vm, net->host_socket());
    if (!r) return make_error("microvm: restricted network: " + r.error().message);
    relay = std::move(*r);
  }

  proto::Start start;
  start.argv = spec.argv;
  start.env = spec.env;
  start.cwd = spec.cwd.empty() ? workspace : spec.cwd;
  start.workspace = workspace;
  start.share = 1;
  start.max_write_bytes = spec.profile.resources.disk;
  start.seed = fresh_seed();
  if (net) {
    start.net_port = proxy::k_bridge_port;
    proxy::apply_proxy_environment(start.env, proxy::k_bridge_port);
  }
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  start.host_time_ns = static_cast<std::uint64_t>(now.tv_sec) * 1000000000ull + static_cast<std::uint64_t>(now.tv_nsec);
  winsize ws{};
  if (isatty(0) && isatty(1) && ioctl(0, TIOCGWINSZ, &ws) == 0) {
    start.tty = 1;
    start.rows = ws.ws_row;
    start.cols = ws.ws_col;
  }

  // The conflict clock (file_clock.hpp): every host write so far is
  // stamped at or before `started`; once the coarse clock is past it, every
  // later one is stamped after it. A bare coarse reading let a fine stamp
  // given just before look like a concurrent change.
  timespec started = latest_file_stamp();
  wait_for_coarse_clock_past(started);
  UpperWriter writer(upper, spec.profile.resources.disk);
  auto end = run_session(*channel, vm, start, writer, limits);
  if (!end) return make_error("microvm: " + end.error().message);
  // The guest has said everything; nothing more is needed from it.
  relay.reset();
  stop_vm(vm);

  Outcome out;
  out.exit_code = end->exit.code;
  out.signaled = end->exit.signaled != 0;
  out.timed_out = end->timed_out;
  out.read_terminal = start.tty != 0;
  if (!end->write_set_error.empty()) {
    finish_run(spec, {}, started, net.get(), out);  // the time limit's line, the network's note
    // The command ran, but what it wrote cannot be known: nothing is
    // committed, and a success would hide the loss.
    Change c;
    c.path = ".";
    c.reason = "the guest's write set was not brought back: " + end->write_set_error;
    out.changes.push_back(c);
    std::fprintf(stderr,
                 "vg: error: microvm: the command ran (exit status %d) but its write set could not be brought back "
                 "from the guest, so none of its changes were committed: %s\n",
                 out.exit_code, printable_lines(end->write_set_error).c_str());
    if (out.exit_code == 0) out.exit_code = exit_code::k_internal;
    return out;
  }
  for (const auto& r : writer.refused()) {
    std::fprintf(stderr, "vg: refused: %s: %s\n", printable(r.path).c_str(), printable(r.reason).c_str());
    out.changes.push_back(r);
  }
  // The guest sees the workspace at the host's path.
  finish_run(spec, {{upper, workspace, workspace, refuse_all->empty(), *refuse_all}}, started, net.get(), out);
  return out;
}

}  // namespace

Result<std::unique_ptr<Launcher>> make_microvm_launcher(const config::Config& config) {
  std::string warning;
  auto accel = choose_accel(config.microvm.accel, probe_accel(), warning);
  if (!accel) return accel.error();
  if (!warning.empty()) std::fprintf(stderr, "vg: warning: %s\n", warning.c_str());
  return std::unique_ptr<Launcher>(std::make_unique<MicrovmLauncher>(config, *accel));
}

}  // namespace vg::sandbox::microvm
