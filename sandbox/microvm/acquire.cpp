#include "sandbox/microvm/acquire.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "sandbox/microvm/pool_client.hpp"
#include "sandbox/microvm/template.hpp"

namespace vg::sandbox::microvm {

namespace {

void note(const std::string& line) { std::fprintf(stderr, "vg: microvm: %s\n", line.c_str()); }

// A failure's description (describe_failure) in one line: its first line,
// and QEMU's own last word when it said something.
std::string one_line(const std::string& message) {
  std::string line = message.substr(0, message.find('\n'));
  auto qemu = message.find("\n--- qemu ---\n");
  if (qemu == std::string::npos) return line;
  std::string said = message.substr(qemu + 14);
  while (!said.empty() && said.back() == '\n') said.pop_back();
  if (auto nl = said.rfind('\n'); nl != std::string::npos) said = said.substr(nl + 1);
  return said.empty() ? line : line + "; QEMU said: " + said;
}

VmOptions vm_options(const GuestRequest& r, const std::string& run_dir) {
  VmOptions vo;
  vo.assets = r.assets;
  vo.accel = r.accel;
  vo.memory_mb = r.memory_mb;
  vo.run_dir = run_dir;
  vo.share = r.workspace;
  vo.hidden = r.hidden;
  if (const char* extra = std::getenv("VG_MICROVM_KERNEL_ARGS")) vo.extra_append = extra;
  return vo;
}

// A verified template, built (or rebuilt) when needed; nullopt after a note.
std::optional<Template> usable_template(const GuestRequest& r) {
  auto options = template_options(r.assets, r.accel, r.memory_mb);
  options.progress = note;
  auto found = find_template(options);
  if (found.found) return found.tmpl;
  if (!found.missing) note(found.why + "; rebuilding it");
  auto built = build_template(options);
  if (!built) {
    note("cannot build the guest template in " + options.root + " (" + one_line(built.error().message) +
         "); booting cold instead");
    return std::nullopt;
  }
  return *built;
}

}  // namespace

Result<Guest> acquire_guest(const GuestRequest& r) {
  Guest g;
  if (auto warm = take_warm_vm(r.workspace, r.assets, r.hidden.digest())) {
    g.vm = warm->vm;
    g.channel = std::make_unique<Channel>(warm->fd);
    g.greeted = true;  // the pool read its hello
    g.source = GuestSource::pool;
    return g;
  }
  if (templates_enabled()) {
    auto tmpl = usable_template(r);
    if (tmpl) {
      // Decided before QEMU starts, not learnt from its failure.
      if (auto why = restore_blocker(*tmpl); !why.empty()) {
        note(why + "; booting cold instead (make " + tmpl->dir +
             " writable, or set VG_MICROVM_TEMPLATE=off to skip the template)");
        tmpl.reset();
      }
    }
    if (tmpl) {
      std::string dir = r.run_dir + "/clone";
      if (mkdir(dir.c_str(), 0700) != 0) return make_error("mkdir(\"" + dir + "\"): " + std::strerror(errno));
      auto clone = start_clone(*tmpl, vm_options(r, dir));
      if (clone) {
        g.vm = clone->vm;
        g.channel = std::make_unique<Channel>(clone->fd);
        g.greeted = true;  // the template's builder read its hello
        g.source = GuestSource::clone;
        return g;
      }
      note("restoring the guest template from " + tmpl->dir + " failed (" + one_line(clone.error().message) +
           "); booting cold instead");
    }
  }
  VmOptions vo = vm_options(r, r.run_dir + "/vm");
  if (mkdir(vo.run_dir.c_str(), 0700) != 0) return make_error("mkdir(\"" + vo.run_dir + "\"): " + std::strerror(errno));
  auto started = start_vm(vo);
  if (!started) return started.error();
  g.vm = *started;
  auto fd = connect_socket(g.vm, g.vm.ctl_socket, 10000);
  if (!fd) {
    std::string msg = describe_failure(g.vm, fd.error().message, 0, false);
    stop_vm(g.vm);
    return make_error(msg);
  }
  g.channel = std::make_unique<Channel>(*fd);
  g.source = GuestSource::cold;
  return g;
}

}  // namespace vg::sandbox::microvm
