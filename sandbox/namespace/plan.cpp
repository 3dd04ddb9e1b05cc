#include "sandbox/namespace/plan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>

#include "config/capabilities.hpp"
#include "config/load.hpp"
#include "sandbox/namespace/seccomp_program.hpp"
#include "sandbox/policy/glob.hpp"
#include "sandbox/policy/policy.hpp"
#include "sandbox/secret_walk.hpp"
#include "sandbox/secrets.hpp"

namespace vg::sandbox::ns {

namespace {

using Kind = MountOp::Kind;

std::string host(const std::string& p) { return std::string(k_old_root) + p; }

std::string env_value(const std::vector<std::string>& env, const std::string& key) {
  for (const auto& e : env) {
    if (e.size() > key.size() && e.compare(0, key.size(), key) == 0 && e[key.size()] == '=') {
      return e.substr(key.size() + 1);
    }
  }
  return {};
}

// A host tree made visible in the sandbox.
struct Visible {
  std::string host_path;
  std::string sandbox_path;
};

// Hide host path `host_path` of the visible tree `tree` (an empty file or
// directory over it). A secret's name on a link (`.env.production ->
// config/prod.secrets`, `~/.aws -> /vault/aws`) hides what the link points
// to, where the sandbox sees it in the same tree.
void hide(Plan& plan, const std::string& host_path, const Visible& tree) {
  struct stat st{};
  if (lstat(host_path.c_str(), &st) != 0) return;
  if (S_ISLNK(st.st_mode)) {
    std::string real = real_path(host_path);
    if (!real.empty() && is_within(real, tree.host_path)) hide(plan, real, tree);
    return;
  }
  std::string sandbox_path = tree.sandbox_path + host_path.substr(std::min(host_path.size(), tree.host_path.size()));
  if (!plan.hidden.insert(sandbox_path).second) return;  // hidden already
  MountOp op;
  op.kind = S_ISDIR(st.st_mode) ? Kind::hide_dir : Kind::hide_file;
  op.target = sandbox_path;
  plan.mounts.push_back(op);
}

// True when `home`/`rel` or its first component below `home` is a link
// (~/.ssh -> dotfiles/ssh, ~/.config -> dotfiles/config).
bool reached_through_link(const std::string& home, const std::string& rel) {
  struct stat st{};
  std::string first = home + "/" + rel.substr(0, rel.find('/'));
  if (lstat(first.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) return true;
  std::string whole = home + "/" + rel;
  return whole != first && lstat(whole.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

// Hide what `v` makes visible of the home's secrets and of vg's own files,
// and, at every depth, its `.env*` files and (`exclude`) matches; a name on
// a link hides what the link points to. An Error when the walk cannot be
// complete: the sandbox does not start rather than start with holes.
Result<void> hide_secrets(Plan& plan, const Visible& v, const std::string& host_home,
                          const std::vector<std::string>& own_dirs, const std::vector<std::string>& exclude) {
  for (const auto& rel : home_secret_paths()) {
    std::string secret = host_home + "/" + rel;
    if (is_within(secret, v.host_path)) hide(plan, secret, v);
    // ~/.ssh -> ~/dotfiles/ssh: the secret is wherever the link leads
    // (resolved only through a link: a realpath of each costs most of a start).
    if (!reached_through_link(host_home, rel)) continue;
    std::string real = real_path(secret);
    if (!real.empty() && real != secret && is_within(real, v.host_path)) hide(plan, real, v);
  }
  for (const auto& own : own_dirs) {
    if (is_within(own, v.host_path) && own != v.host_path) hide(plan, own, v);
  }
  SecretWalk walk;
  walk.root = v.host_path;
  walk.exclude = exclude;
  walk.index_dir = config::dirs().cache + "/hidden";
  auto found = find_secret_paths(walk);
  if (!found) return found.error();
  for (const auto& p : found->paths) hide(plan, p, v);
  for (const auto& p : found->unlisted) hide(plan, p, v);
  return {};
}

void add_system_dirs(Plan& plan) {
  for (const char* dir : {"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt"}) {
    struct stat st{};
    if (lstat(dir, &st) != 0) continue;
    MountOp op;
    op.target = dir;
    if (S_ISLNK(st.st_mode)) {
      char buf[PATH_MAX];
      ssize_t n = readlink(dir, buf, sizeof buf - 1);
      if (n <= 0) continue;
      op.kind = Kind::symlink;
      op.data.assign(buf, static_cast<size_t>(n));
    } else if (S_ISDIR(st.st_mode)) {
      // Plain binds: the command's host uid is never root (set_ids), so
      // root-only files stay unreadable by their permission bits.
      op.kind = Kind::bind_ro;
      op.source = host(dir);
    } else {
      continue;
    }
    plan.mounts.push_back(op);
  }
}

void add_dev(Plan& plan) {
  plan.mounts.push_back({Kind::tmpfs, "", "/dev", "mode=0755,size=1m", -1});
  for (const char* node : {"null", "zero", "full", "random", "urandom", "tty"}) {
    std::string path = std::string("/dev/") + node;
    if (access(path.c_str(), F_OK) != 0) continue;
    plan.mounts.push_back({Kind::bind_dev, host(path), path, "", -1});
  }
  plan.mounts.push_back({Kind::devpts, "", "/dev/pts", "", -1});
  plan.mounts.push_back({Kind::scratch, "", "/dev/shm", "shm", -1});
  plan.mounts.push_back({Kind::symlink, "", "/dev/fd", "/proc/self/fd", -1});
  plan.mounts.push_back({Kind::symlink, "", "/dev/stdin", "/proc/self/fd/0", -1});
  plan.mounts.push_back({Kind::symlink, "", "/dev/stdout", "/proc/self/fd/1", -1});
  plan.mounts.push_back({Kind::symlink, "", "/dev/stderr", "/proc/self/fd/2", -1});
}

// The highest capability number this kernel knows (40 when it cannot tell).
int read_cap_last() {
  char buf[16] = {};
  int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 40;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  int v = n > 0 ? std::atoi(buf) : 0;
  return v > 0 && v <= 63 ? v : 40;
}

Result<void> set_ids(Plan& plan, const std::string& user) {
  plan.outer_uid = getuid();
  plan.outer_gid = getgid();
  if (plan.outer_uid == 0) {
    // Never host root inside, whatever user the command is in there.
    plan.outer_uid = k_root_sandbox_id;
    plan.outer_gid = k_root_sandbox_id;
    plan.maps_by_parent = true;
  }
  if (user.empty() || user == "nobody") {
    plan.inner_uid = 65534;
    plan.inner_gid = 65534;
  } else if (user == "root") {
    plan.inner_uid = 0;
    plan.inner_gid = 0;
    plan.drop_to_root = true;
  } else if (user == "current") {
    plan.inner_uid = plan.outer_uid;
    plan.inner_gid = plan.outer_gid;
  } else {
    return make_error("sandbox.isolation.user: unknown user '" + user + "' (expected nobody, root or current)");
  }
  return {};
}

// Whether the plan shows `path` already: a system directory, /proc, /dev
// or the sandbox's /tmp.
bool already_mounted(const Plan& plan, const std::string& path) {
  for (const auto& op : plan.mounts) {
    if ((op.kind == Kind::bind_ro || op.kind == Kind::proc || op.kind == Kind::tmpfs || op.kind == Kind::scratch) &&
        is_within(path, op.target)) {
      return true;
    }
  }
  return false;
}

// Whether every directory from / down to `path` lets others search it (the
// sandbox of a root vg runs as an id that owns none of them).
bool others_can_enter(const std::string& path) {
  for (size_t at = 1; at <= path.size(); ++at) {
    if (at != path.size() && path[at] != '/') continue;
    struct stat st{};
    if (stat(path.substr(0, at).c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || !(st.st_mode & S_IXOTH)) return false;
  }
  return true;
}

}  // namespace

namespace {

std::mutex g_begun_mutex;
std::optional<timespec> g_begun;

}  // namespace

void note_run_begun(const timespec& begun) {
  std::lock_guard lock(g_begun_mutex);
  g_begun = begun;
}

timespec take_run_begun(const timespec& now) {
  std::lock_guard lock(g_begun_mutex);
  std::optional<timespec> noted;
  noted.swap(g_begun);
  if (!noted) return now;
  bool earlier = noted->tv_sec != now.tv_sec ? noted->tv_sec < now.tv_sec : noted->tv_nsec <= now.tv_nsec;
  return earlier ? *noted : now;
}

Result<Plan> make_plan(const Spec& spec) {
  Plan plan;
  const config::Sandbox& p = spec.profile;
  if (spec.argv.empty()) return make_error("nothing to run: the command is empty");
  if (auto r = set_ids(plan, p.isolation.user); !r) return r.error();

  std::string ws = real_path(spec.workspace.empty() ? spec.cwd : spec.workspace);
  if (ws.empty()) return make_error("workspace \"" + spec.workspace + "\": " + std::strerror(errno));
  plan.cwd = spec.cwd.empty() ? ws : real_path(spec.cwd);
  if (plan.cwd.empty()) return make_error("working directory \"" + spec.cwd + "\": " + std::strerror(errno));

  std::string host_home = env_value(spec.env, "HOME");
  if (host_home.empty() && getenv("HOME")) host_home = getenv("HOME");
  if (host_home.empty() || host_home == "/") host_home = "/home/sandbox";
  plan.home = host_home;
  std::string real_home = real_path(host_home);
  if (real_home.empty()) real_home = host_home;

  plan.network = p.network.mode;
  plan.clone_flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP;
  if (plan.network != config::NetworkMode::full) plan.clone_flags |= CLONE_NEWNET;
  plan.limits = {p.resources.memory, p.resources.pids, p.resources.cpu, p.resources.disk};

  add_system_dirs(plan);
  plan.mounts.push_back({Kind::proc, "", "/proc", "", -1});
  add_dev(plan);
  // /tmp, /dev/shm and the fresh home are directories of the one tmpfs that
  // holds the overlays' upper directories, so everything the command can
  // write counts toward one resources.disk (child.cpp, make_upper).
  plan.mounts.push_back({Kind::scratch, "", "/tmp", "tmp", -1});
  std::vector<MountOp> trees;  // home, workspace and volumes: parents first
  trees.push_back({Kind::scratch, "", host_home, "home", -1});
  std::vector<Visible> visible;
  // vg as root: the workspace and volumes come as idmapped trees in which
  // host root's files are the sandbox's (idmap.hpp).
  auto idmapped = [&](MountOp op) {
    if (plan.maps_by_parent) op.tree = static_cast<int>(plan.tree_count++);
    return op;
  };
  WorkspaceVerdict verdict = classify_workspace(ws, real_home);
  const std::string& why_not = verdict.why;
  bool ws_shown = true;  // the host's workspace is seen in the sandbox
  if (ws == "/") {
    ws_shown = false;
    // The sandbox's own root: its system directories, nothing else of the host.
    plan.notes.push_back("/ is the root directory, not a project: the command runs in the sandbox's own root, "
                         "which has the system directories and nothing else of the host");
  } else if (verdict.kind == WorkspaceKind::system && already_mounted(plan, ws)) {
    // /etc, /usr/lib: seen as every system directory is (read-only); /tmp,
    // /proc, /dev: the sandbox's own. Nothing more of the host is lent.
    ws_shown = false;
    plan.notes.push_back(ws + " is " + why_not + ", not a project: the command sees it as the sandbox shows " +
                         "it (a system directory read-only; /tmp, /proc and /dev its own), and nothing it writes " +
                         "there reaches the host");
  } else if (verdict.kind == WorkspaceKind::system || (!why_not.empty() && plan.maps_by_parent && !others_can_enter(ws))) {
    ws_shown = false;
    // /var, /home, /root: no project to lend, and too much of the host to
    // walk for secrets on every start. An empty place stands in for it.
    trees.push_back({Kind::tmpfs, "", ws,
                     "mode=0700,size=1m,uid=" + std::to_string(plan.inner_uid) + ",gid=" + std::to_string(plan.inner_gid),
                     -1});
    plan.notes.push_back(ws + " is " + why_not + ", not a project: the command runs in an empty directory in " +
                         "its place, and nothing it writes there is kept");
  } else if (!why_not.empty()) {
    // The home (or above it), vg's files: seen through an overlay that is
    // never committed (not idmapped: only what permission bits give
    // everyone is readable; and through an overlay a host socket cannot be
    // connected to, as through a bind), its secrets hidden.
    std::string reason = ws + " is " + why_not + ", not a project: nothing is written there";
    plan.layers.push_back({ws, ws, reason});
    trees.push_back({Kind::overlay, host(ws), ws, "", static_cast<int>(plan.layers.size() - 1)});
    plan.notes.push_back(ws + " is " + why_not + ", not a project: the sandbox sees it, but whatever the " +
                         "command writes there is refused and kept aside (run from a project directory to " +
                         "write to it)");
  } else if (p.isolation.filesystem == "readonly") {
    // A read-only overlay, not a read-only bind: through a bind the command
    // could connect to a host socket or write to a FIFO in the workspace (a
    // tmux socket ran its commands on the host).
    trees.push_back(idmapped({Kind::overlay, host(ws), ws, "", -1}));
  } else {
    plan.layers.push_back({ws, ws, ""});
    trees.push_back(idmapped({Kind::overlay, host(ws), ws, "", 0}));
  }
  if (ws_shown) visible.push_back({ws, ws});

  for (size_t i = 0; i < p.volumes.size(); ++i) {
    const auto& v = p.volumes[i];
    std::string where = "sandbox.volumes[" + std::to_string(i) + "]";
    std::string src = real_path(v.source);
    if (src.empty()) return make_error(where + ".source \"" + v.source + "\": " + std::strerror(errno));
    std::string target = v.target.empty() ? src : v.target;
    if (target.rfind("~/", 0) == 0) target = host_home + target.substr(1);
    if (target.empty() || target[0] != '/') {
      return make_error(where + ".target \"" + v.target + "\": must be an absolute path inside the sandbox");
    }
    while (target.size() > 1 && target.back() == '/') target.pop_back();
    if (target == "/" || target == k_old_root) return make_error(where + ".target: cannot mount over \"" + target + "\"");
    MountOp op;
    op.source = host(src);
    op.target = target;
    switch (v.mode) {
      case config::VolumeMode::ro:
        // A read-only overlay too: no host socket or FIFO reachable.
        op.kind = Kind::overlay;
        op.layer = -1;
        break;
      case config::VolumeMode::rw: op.kind = Kind::bind_rw; break;
      case config::VolumeMode::overlay:
        op.kind = Kind::overlay;
        op.layer = static_cast<int>(plan.layers.size());
        plan.layers.push_back({src, target, ""});
        break;
    }
    trees.push_back(idmapped(op));
    visible.push_back({src, target});
  }
  // Parents before children.
  std::stable_sort(trees.begin(), trees.end(),
                   [](const MountOp& a, const MountOp& b) { return a.target.size() < b.target.size(); });
  for (auto& op : trees) plan.mounts.push_back(std::move(op));

  // The workspace's `exclude` applies to it alone; a workspace that is not
  // a project (why_not) is walked as well, for its `.env*` files.
  const std::vector<std::string> own_dirs = vg_own_dirs();
  for (const auto& v : visible) {
    auto hidden = hide_secrets(plan, v, real_home, own_dirs, v.host_path == ws ? p.exclude : std::vector<std::string>{});
    if (!hidden) return hidden.error();
  }

  // Compiled by libseccomp at build time (seccomp_program.hpp).
  plan.seccomp = precompiled_seccomp_filter();
  if (plan.seccomp.empty()) return make_error("the seccomp program is empty (a build problem): refusing to start");
  plan.cap_last = read_cap_last();
  for (const auto& name : p.isolation.capabilities) {
    config::CapabilityCheck c = config::check_capability(name);
    if (!c.error.empty()) return make_error("sandbox.isolation.capabilities: " + c.error);
    if (c.number > plan.cap_last) {
      return make_error("sandbox.isolation.capabilities: " + c.canonical + " is not known to this kernel");
    }
    plan.kept_caps |= std::uint64_t{1} << c.number;
  }

  plan.argv = spec.argv;
  plan.env = spec.env;
  return plan;
}

}  // namespace vg::sandbox::ns
