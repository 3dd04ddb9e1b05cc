#include "sandbox/microvm/template.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <thread>

#include "config/sha256.hpp"
#include "guest/protocol.hpp"
#include "sandbox/microvm/files.hpp"
#include "sandbox/microvm/qmp.hpp"
#include "sandbox/microvm/runtime_dir.hpp"
#include "sandbox/microvm/session.hpp"

namespace vg::sandbox::microvm {

namespace {

// Bump when the template layout or manifest changes.
constexpr const char* k_format = "t1";
constexpr const char* k_qemu = "/usr/bin/qemu-system-x86_64";
constexpr const char* k_state_fd_name = "vgstate";

std::int64_t ns(const timespec& t) { return static_cast<std::int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec; }

// The memory file's identity: any write to it (write(2), a shared mapping,
// truncate) moves its ctime, which no unprivileged process can set back.
std::string memory_identity(const struct stat& st) {
  return std::to_string(st.st_size) + " " + std::to_string(st.st_dev) + " " + std::to_string(st.st_ino) + " " +
         std::to_string(ns(st.st_mtim)) + " " + std::to_string(ns(st.st_ctim));
}

Result<std::string> sha256_fd(int fd, std::uint64_t& size) {
  config::Sha256 h;
  char buf[65536];
  size = 0;
  for (off_t off = 0;;) {
    ssize_t n = pread(fd, buf, sizeof buf, off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(std::string("read: ") + std::strerror(errno));
    if (n == 0) break;
    h.update(std::string_view(buf, static_cast<std::size_t>(n)));
    off += n;
    size += static_cast<std::uint64_t>(n);
  }
  return h.finish_hex();
}

struct Manifest {
  std::string format, key, state_sha256, memory_identity;
  std::uint64_t state_size = 0;
};

Result<Manifest> read_manifest(const std::string& dir) {
  auto text = read_file(dir + "/manifest");
  if (!text) return make_error("no manifest");
  Manifest m;
  std::istringstream in(*text);
  std::string word;
  while (in >> word) {
    if (word == "format") {
      in >> m.format;
    } else if (word == "key") {
      in >> m.key;
    } else if (word == "state") {
      in >> m.state_size >> m.state_sha256;
    } else if (word == "memory") {
      std::string a, b, c, d, e;
      in >> a >> b >> c >> d >> e;
      m.memory_identity = a + " " + b + " " + c + " " + d + " " + e;
    } else {
      return make_error("unknown manifest line '" + word + "'");
    }
  }
  if (m.format != k_format || m.key.empty() || m.state_sha256.size() != 64 || m.memory_identity.empty()) {
    return make_error("incomplete or old-format manifest");
  }
  return m;
}

std::string file_identity(const std::string& path) {
  struct stat st{};
  if (stat(path.c_str(), &st) != 0) return "";
  return memory_identity(st);
}

std::string qemu_identity() {
  struct stat st{};
  if (stat(k_qemu, &st) != 0) return "none";
  return std::to_string(st.st_size) + ":" + std::to_string(ns(st.st_mtim));
}

// Remove every template directory but `keep` (older keys, failed builds).
void remove_others(const std::string& root, const std::string& keep) {
  DIR* d = opendir(root.c_str());
  if (!d) return;
  std::vector<std::string> gone;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n == "." || n == ".." || n == ".lock" || n == keep) continue;
    gone.push_back(root + "/" + n);
  }
  closedir(d);
  for (const auto& p : gone) remove_tree(p);
}

using Clock = std::chrono::steady_clock;

// Poll `command` until its "status" leaves `waiting` (or `timeout_ms` passes).
Result<std::string> wait_status(Qmp& qmp, Vm& vm, const std::string& command,
                                std::initializer_list<const char*> waiting, int timeout_ms) {
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto r = qmp.execute(command);
    if (!r) return r.error();
    std::string status = json_string_field(*r, "status");
    bool still = false;
    for (const char* w : waiting) still = still || status == w;
    if (!still) return status;
    int st = 0;
    if (!vm_running(vm, st)) return make_error(describe_failure(vm, "QEMU exited", st, true));
    if (Clock::now() > deadline) return make_error(command + " still '" + status + "' after " +
                                                   std::to_string(timeout_ms / 1000) + " s");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

bool templates_enabled() {
  const char* v = std::getenv("VG_MICROVM_TEMPLATE");
  return !(v && (std::string(v) == "off" || std::string(v) == "0"));
}

TemplateOptions template_options(const Assets& assets, Accel accel, std::uint64_t memory_mb) {
  TemplateOptions o;
  o.assets = assets;
  o.accel = accel;
  o.memory_mb = memory_mb;
  if (const char* extra = std::getenv("VG_MICROVM_KERNEL_ARGS")) o.extra_append = extra;
  std::string guest_root = assets.dir.substr(0, assets.dir.rfind('/'));
  o.root = guest_root + "/templates";
  return o;
}

std::string template_key(const TemplateOptions& o) {
  // The command line with placeholder paths: any change to the device set
  // or kernel arguments makes a new key.
  VmOptions vo;
  vo.assets = o.assets;
  vo.assets.kernel = "/K";
  vo.assets.initrd = "/I";
  vo.accel = o.accel;
  vo.memory_mb = o.memory_mb;
  vo.run_dir = "/R";
  vo.share = "/S";
  vo.memory_file = "/M";
  vo.qmp = true;
  vo.extra_append = o.extra_append;
  Vm vm;
  vm.ctl_socket = "/R/c";
  vm.net_socket = "/R/n";
  vm.console_log = "/R/l";
  vm.qmp_socket = "/R/q";
  config::Sha256 h;
  h.update(k_format);
  h.update(o.assets.version);
  h.update(qemu_identity());
  h.update(std::to_string(proto::k_version));
  for (const auto& a : qemu_argv(vo, vm)) {
    h.update(a);
    h.update(std::string_view("\0", 1));
  }
  return std::string(k_format) + "-" + h.finish_hex().substr(0, 16);
}

TemplateLookup find_template(const TemplateOptions& o) {
  TemplateLookup l;
  std::string key = template_key(o);
  std::string dir = o.root + "/" + key;
  struct stat st{};
  if (stat(dir.c_str(), &st) != 0) {
    l.missing = true;
    l.why = "no template for " + key;
    return l;
  }
  auto m = read_manifest(dir);
  if (!m) {
    l.why = "template " + key + ": " + m.error().message;
    return l;
  }
  if (m->key != key) {
    l.why = "template " + key + ": its manifest names " + m->key + " (stale)";
    return l;
  }
  Template t;
  t.dir = dir;
  t.key = key;
  t.memory = dir + "/memory";
  t.state = dir + "/state";
  t.state_size = m->state_size;
  t.state_sha256 = m->state_sha256;
  if (file_identity(t.memory) != m->memory_identity) {
    l.why = "template " + key + ": the memory image was changed or replaced after the snapshot (corrupt)";
    return l;
  }
  int sf = open(t.state.c_str(), O_RDONLY | O_CLOEXEC);
  if (sf < 0) {
    l.why = "template " + key + ": open(\"" + t.state + "\"): " + std::strerror(errno);
    return l;
  }
  std::uint64_t size = 0;
  auto digest = sha256_fd(sf, size);
  close(sf);
  if (!digest) {
    l.why = "template " + key + ": " + t.state + ": " + digest.error().message;
    return l;
  }
  if (size != t.state_size || *digest != t.state_sha256) {
    l.why = "template " + key + ": the device state does not match its manifest digest (corrupt)";
    return l;
  }
  l.found = true;
  l.tmpl = t;
  return l;
}

Result<Template> build_template(const TemplateOptions& o) {
  if (auto r = make_dirs(o.root, 0700); !r) return r.error();
  auto lock = FileLock::acquire(o.root + "/.lock");
  if (!lock) return lock.error();

  // Another vg may have built it while we waited for the lock.
  auto existing = find_template(o);
  if (existing.found) return existing.tmpl;
  std::string key = template_key(o);
  remove_others(o.root, "");

  // remove_others() above already cleared what a killed builder left.
  auto made = make_owned_dir(o.root, ".build-");
  if (!made) return made.error();
  std::string build = *made;
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      if (!dir.empty()) remove_tree(dir);
    }
  } cleanup{build};

  if (o.progress) o.progress("building the guest template (one boot; later commands start from its snapshot)");
  VmOptions vo;
  vo.assets = o.assets;
  vo.accel = o.accel;
  vo.memory_mb = o.memory_mb;
  vo.run_dir = build + "/vm";
  vo.share = build + "/empty";  // the 9p device must exist; clones point it at their workspace
  vo.memory_file = build + "/memory";
  vo.memory_mapping = MemoryMapping::shared;
  vo.qmp = true;
  vo.extra_append = o.extra_append;
  for (const auto& d : {vo.run_dir, vo.share}) {
    if (mkdir(d.c_str(), 0700) != 0) return make_error("mkdir(\"" + d + "\"): " + std::strerror(errno));
  }
  // Created here so it is private (QEMU would create it 0644), sized by QEMU.
  int mf = open(vo.memory_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (mf < 0) return make_error("open(\"" + vo.memory_file + "\"): " + std::strerror(errno));
  close(mf);
  auto started = start_vm(vo);
  if (!started) return started.error();
  Vm vm = *started;
  struct StopVm {
    Vm& vm;
    ~StopVm() { stop_vm(vm); }
  } stop{vm};

  auto fd = connect_socket(vm, vm.ctl_socket, 10000);
  if (!fd) return make_error(describe_failure(vm, fd.error().message, 0, false));
  Channel channel(*fd);
  auto hello = wait_hello(channel, vm, session_limits_from_env().boot_ms);
  if (!hello) return hello.error();

  auto qmp = Qmp::connect(vm, 10000);
  if (!qmp) return make_error(describe_failure(vm, qmp.error().message, 0, false));
  Qmp& q = *qmp;
  if (auto r = q.execute("stop"); !r) return r.error();
  if (auto r = q.execute("migrate-set-capabilities",
                         R"({"capabilities":[{"capability":"x-ignore-shared","state":true}]})");
      !r) {
    return r.error();
  }
  std::string state_path = build + "/state";
  int state_fd = open(state_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (state_fd < 0) return make_error("open(\"" + state_path + "\"): " + std::strerror(errno));
  auto got = q.execute("getfd", std::string(R"({"fdname":")") + k_state_fd_name + "\"}", state_fd);
  close(state_fd);
  if (!got) return got.error();
  if (auto r = q.execute("migrate", std::string(R"({"uri":"fd:)") + k_state_fd_name + "\"}"); !r) return r.error();
  auto status =
      wait_status(q, vm, "query-migrate", {"setup", "active", "device", "pre-switchover", "wait-unplug"}, 60000);
  if (!status) return make_error("saving the template: " + status.error().message);
  if (*status != "completed") return make_error("saving the template: migration " + *status);
  stop_vm(vm);  // its RAM is in `memory` (a shared mapping): nothing more may run in it

  // Everything on disk before the manifest vouches for it.
  for (const auto& p : {vo.memory_file, state_path}) {
    int f = open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (f >= 0) {
      fdatasync(f);
      close(f);
    }
  }
  int sf = open(state_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (sf < 0) return make_error("open(\"" + state_path + "\"): " + std::strerror(errno));
  std::uint64_t size = 0;
  auto digest = sha256_fd(sf, size);
  close(sf);
  if (!digest) return make_error(state_path + ": " + digest.error().message);
  if (size == 0) return make_error("the template's device state is empty");
  rmdir(vo.share.c_str());
  std::string manifest = "format " + std::string(k_format) + "\nkey " + key + "\nstate " + std::to_string(size) + " " +
                         *digest + "\nmemory " + file_identity(vo.memory_file) + "\n";
  if (auto r = write_file(build + "/manifest", manifest, 0600); !r) return r.error();
  std::string final_dir = o.root + "/" + key;
  if (rename(build.c_str(), final_dir.c_str()) != 0) {
    return make_error("rename(\"" + build + "\", \"" + final_dir + "\"): " + std::strerror(errno));
  }
  cleanup.dir.clear();
  auto found = find_template(o);
  if (!found.found) return make_error("the new template does not verify: " + found.why);
  return found.tmpl;
}

std::string restore_blocker(const Template& t) {
  // Opening for writing moves no timestamp: the manifest's identity holds.
  int fd = open(t.memory.c_str(), O_RDWR | O_CLOEXEC);
  if (fd >= 0) {
    close(fd);
    return "";
  }
  return "the guest template's memory image " + t.memory + " cannot be opened read-write (open: " +
         std::strerror(errno) + "), which QEMU needs even to map it copy-on-write";
}

Result<Clone> start_clone(const Template& t, const VmOptions& base) {
  if (auto why = restore_blocker(t); !why.empty()) return make_error(why);
  // Hash the state through the descriptor QEMU will read: what was checked is what loads.
  int state_fd = open(t.state.c_str(), O_RDONLY | O_CLOEXEC);
  if (state_fd < 0) return make_error("open(\"" + t.state + "\"): " + std::strerror(errno));
  struct CloseFd {
    int fd;
    ~CloseFd() { close(fd); }
  } close_state{state_fd};
  std::uint64_t size = 0;
  auto digest = sha256_fd(state_fd, size);
  if (!digest) return make_error(t.state + ": " + digest.error().message);
  if (size != t.state_size || *digest != t.state_sha256) {
    return make_error("the template's device state does not match its manifest digest (corrupt)");
  }
  VmOptions vo = base;
  vo.memory_file = t.memory;
  vo.memory_mapping = MemoryMapping::private_copy;
  vo.incoming = true;
  vo.qmp = true;
  auto started = start_vm(vo);
  if (!started) return started.error();
  Clone c;
  c.vm = *started;
  auto fail = [&](const std::string& what) {
    int st = 0;
    bool running = vm_running(c.vm, st);
    std::string msg = describe_failure(c.vm, what, st, !running);
    if (c.fd >= 0) close(c.fd);
    stop_vm(c.vm);
    return make_error(msg);
  };
  // Connected before the state loads, so the guest never sees its port close.
  auto fd = connect_socket(c.vm, c.vm.ctl_socket, 10000);
  if (!fd) return fail(fd.error().message);
  c.fd = *fd;
  auto qmp = Qmp::connect(c.vm, 10000);
  if (!qmp) return fail(qmp.error().message);
  Qmp& q = *qmp;
  if (auto r = q.execute("migrate-set-capabilities",
                         R"({"capabilities":[{"capability":"x-ignore-shared","state":true}]})");
      !r) {
    return fail(r.error().message);
  }
  if (auto r = q.execute("getfd", std::string(R"({"fdname":")") + k_state_fd_name + "\"}", state_fd); !r) {
    return fail(r.error().message);
  }
  if (auto r = q.execute("migrate-incoming", std::string(R"({"uri":"fd:)") + k_state_fd_name + "\"}"); !r) {
    return fail(r.error().message);
  }
  auto status = wait_status(q, c.vm, "query-status", {"inmigrate"}, 30000);
  if (!status) return fail("loading the template: " + status.error().message);
  if (*status == "paused" || *status == "prelaunch") {
    if (auto r = q.execute("cont"); !r) return fail(r.error().message);
  } else if (*status != "running") {
    return fail("loading the template left the VM '" + *status + "'");
  }
  return c;
}

}  // namespace vg::sandbox::microvm
