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

namespace vg::sandbox::ns {

namespace {

using Kind = MountOp::Kind;

std::string real_path(const std::string& p) {
  char buf[PATH_MAX];
  if (!realpath(p.c_str(), buf)) return {};
  return buf;
}

std::string host(const std::string& p) { return std::string(k_old_root) + p; }

std::string env_value(const std::vector<std::string>& env, const std::string& key) {
  for (const auto& e : env) {
    if (e.size() > key.size() && e.compare(0, key.size(), key) == 0 && e[key.size()] == '=') {
      return e.substr(key.size() + 1);
    }
  }
  return {};
}

// True when `p` is `root` or below it.
bool is_within(const std::string& p, const std::string& root) {
  if (root == "/") return true;
  return p == root || (p.size() > root.size() && p.compare(0, root.size(), root) == 0 && p[root.size()] == '/');
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

// Hide `.env*` files directly in host directory `dir` of the visible tree `tree`.
void hide_env_files(Plan& plan, const std::string& dir, const Visible& tree) {
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      if (policy::first_match(policy::builtin_secret_patterns(), name)) hide(plan, dir + "/" + name, tree);
    }
    closedir(d);
  }
}

// Hide the home secrets that `v` makes visible, and `.env*` at its top.
void hide_secrets(Plan& plan, const Visible& v, const std::string& host_home) {
  for (const auto& rel : home_secret_paths()) {
    std::string secret = host_home + "/" + rel;
    if (is_within(secret, v.host_path)) {
      hide(plan, secret, v);
    }
  }
  hide_env_files(plan, v.host_path, v);
}

// Hide the workspace's `exclude` matches: literal paths directly, globs by a
// walk of the workspace (skipping .git).
// Hide, at every depth of the workspace (but .git), the `exclude` matches
// and `.env*` files; a `.env*` link hides what it points to. The walk reads
// directories only (d_type). Past k_hide_walk_limit entries hiding could
// not be complete, and the sandbox does not start (it used to stop early
// and start with excluded files readable).
constexpr std::size_t k_hide_walk_limit = 1000000;

Result<void> hide_in_workspace(Plan& plan, const std::string& ws, const std::vector<std::string>& patterns) {
  // Patterns without '/' match a name at any depth: checked against the
  // entry's name alone (its parents were checked on the way down), which
  // keeps the walk to a few hundred nanoseconds an entry.
  std::vector<std::string> names, paths;
  for (const auto& p : patterns) {
    if (p.find('/') == std::string::npos) {
      names.push_back(p);
    } else if (policy::has_wildcard(p)) {
      paths.push_back(p);
    } else {
      hide(plan, ws + "/" + p, {ws, ws});
    }
  }
  // The walk costs about 1.7 us an entry here (2.6 ms for 1,600 entries):
  // paid on every start only when `exclude` has globs, and then `.env*` is
  // hidden at every depth as well. Without, `.env*` is hidden from the
  // workspace's top down to the working directory (deeper ones are refused
  // at commit).
  if (names.empty() && paths.empty()) return {};
  for (const auto& p : policy::builtin_secret_patterns()) names.push_back(p);
  std::vector<std::string> stack{""};
  std::size_t seen = 0;
  while (!stack.empty()) {
    std::string rel = stack.back();
    stack.pop_back();
    std::string dir = rel.empty() ? ws : ws + "/" + rel;
    DIR* d = opendir(dir.c_str());
    if (!d) continue;
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name == "." || name == ".." || name == ".git") continue;
      if (++seen > k_hide_walk_limit) {
        closedir(d);
        return make_error(ws + " holds more than " + std::to_string(k_hide_walk_limit) +
                          " entries: vg cannot make sure every .env* file and `exclude` match in it is hidden, so "
                          "the sandbox does not start (run from a smaller directory)");
      }
      unsigned char type = e->d_type;
      if (type == DT_UNKNOWN) {
        struct stat st{};
        if (fstatat(dirfd(d), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
      }
      bool matched = false;
      for (const auto& g : names) matched = matched || policy::glob_match(g, name);
      std::string child = rel.empty() ? name : rel + "/" + name;
      for (const auto& g : paths) matched = matched || policy::glob_match(g, child);
      if (matched) {
        hide(plan, ws + "/" + child, {ws, ws});
      } else if (type == DT_DIR) {
        stack.push_back(child);
      }
    }
    closedir(d);
  }
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

// Why `ws` may not be a writable workspace ("" when it may): the root, a
// system directory, the home directory or one above it, or a directory that
// holds vg's own configuration or state.
std::string protected_workspace(const std::string& ws, const std::string& home) {
  if (ws == "/") return "the root directory";
  for (const char* sys : {"/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/boot", "/dev",
                          "/proc", "/sys", "/run", "/root", "/snap", "/var/log", "/var/spool", "/var/mail",
                          "/var/lib/dpkg", "/var/lib/apt", "/var/lib/systemd", "/var/cache/apt"}) {
    if (is_within(ws, sys)) return std::string("a system directory (") + sys + ")";
  }
  // /var itself, /var/lib, /var/cache; not a project kept below them
  // (/var/lib/jenkins/workspace/app).
  for (const char* sys : {"/var", "/var/lib", "/var/cache", "/home", "/tmp", "/srv", "/opt", "/mnt", "/media"}) {
    if (ws == sys) return std::string("a system directory (") + sys + ")";
  }
  if (!home.empty() && is_within(home, ws)) return ws == home ? "the home directory" : "above the home directory";
  config::Dirs d = config::dirs();
  for (const std::string* own : {&d.config, &d.state, &d.data, &d.cache}) {
    std::string real = real_path(*own);
    if (!own->empty() && (is_within(*own, ws) || (!real.empty() && is_within(real, ws)))) {
      return "a directory that holds vg's own files (" + *own + ")";
    }
  }
  return {};
}

}  // namespace

const std::vector<std::string>& home_secret_paths() {
  // Keys, tokens, credentials and shell histories: whatever the working
  // directory, a sandbox that can see them sees them empty.
  static const std::vector<std::string> k_paths = {
      ".ssh",           ".aws",          ".gnupg",          ".config/gh",       ".netrc",
      ".docker/config.json", ".kube",    ".git-credentials", ".npmrc",          ".pypirc",
      ".config/gcloud", ".azure",        ".vault-token",     ".pgpass",         ".my.cnf",
      ".cargo/credentials", ".cargo/credentials.toml", ".gem/credentials", ".terraform.d",
      ".password-store", ".local/share/keyrings", ".config/hub",  ".config/op",
      ".bash_history",  ".zsh_history",  ".python_history",  ".psql_history",   ".mysql_history",
      ".node_repl_history", ".lesshst",  ".viminfo"};
  return k_paths;
}

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
  std::string why_not = protected_workspace(ws, real_home);
  if (ws == "/") {
    // The sandbox's own root: its system directories, nothing else of the host.
    plan.notes.push_back("/ is the root directory, not a project: the command runs in the sandbox's own root, "
                         "which has the system directories and nothing else of the host");
  } else if (!why_not.empty() && plan.maps_by_parent && !others_can_enter(ws)) {
    // Root's own (/root, a 0700 directory): the sandbox's id may not enter
    // it, and it is no project to lend. An empty place stands in for it.
    trees.push_back({Kind::tmpfs, "", ws,
                     "mode=0700,size=1m,uid=" + std::to_string(plan.inner_uid) + ",gid=" + std::to_string(plan.inner_gid),
                     -1});
    plan.notes.push_back(ws + " is " + why_not + ", not a project, and not open to others: the command runs in " +
                         "an empty directory in its place, and nothing it writes there is kept");
  } else if (!why_not.empty()) {
    // Seen through an overlay that is never committed (not idmapped: only
    // what permission bits give everyone is readable; and through an
    // overlay a host socket cannot be connected to, as through a bind).
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
  visible.push_back({ws, ws});

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

  for (const auto& v : visible) hide_secrets(plan, v, real_home);
  if (why_not.empty()) {
    if (auto hidden = hide_in_workspace(plan, ws, p.exclude); !hidden) return hidden.error();
  }
  // `.env*` also in each directory from the workspace down to the working
  // directory (a package in a monorepo); deeper ones are refused at commit.
  if (is_within(plan.cwd, ws) && plan.cwd != ws) {
    for (size_t at = ws.size() + 1; at <= plan.cwd.size(); ++at) {
      if (at == plan.cwd.size() || plan.cwd[at] == '/') {
        std::string dir = plan.cwd.substr(0, at);
        hide_env_files(plan, dir, {ws, ws});
      }
    }
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
