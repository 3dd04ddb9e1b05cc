// vg-guest: the agent inside the microVM, started by the kernel as /init.
// It prepares the guest, greets the host over the virtio-serial port
// "vg.ctl", runs the one command of the start frame, reports its exit and
// the workspace write set, and waits for the host to end the VM.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <string>

#include "guest/boot.hpp"
#include "guest/command.hpp"
#include "guest/net_bridge.hpp"
#include "guest/port.hpp"
#include "guest/protocol.hpp"
#include "guest/workspace.hpp"
#include "guest/write_set.hpp"

namespace {

std::uint64_t uptime_ms() {
  timespec ts{};
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000 + static_cast<std::uint64_t>(ts.tv_nsec) / 1000000;
}

[[noreturn]] void fail(const std::string& message) {
  vg::guest::console("fatal: " + message);
  vg::guest::power_off();
}

// After its last frame the guest waits for the host to end the VM: a write
// to a virtio-serial port returns once the data is queued, and a power-off
// would drop what QEMU has not yet passed on (the tail of a write set the
// host is still busy writing to disk).
[[noreturn]] void end_session(vg::guest::Port& port) {
  port.wait_host_gone();
  vg::guest::power_off();
}

// End every process the command left behind, as a pid namespace's end does
// on the host, so the write set is not sent while something still changes it.
void kill_leftovers() {
  kill(-1, SIGKILL);
  timespec pause{0, 10 * 1000 * 1000};
  for (int i = 0; i < 500; ++i) {  // at most 5 s for processes stuck in the kernel
    pid_t w;
    while ((w = waitpid(-1, nullptr, WNOHANG)) > 0) {
    }
    if (w < 0 && errno == ECHILD) return;
    nanosleep(&pause, nullptr);
  }
}

int serve() {
  using namespace vg;
  if (auto e = guest::mount_basics(); !e.empty()) fail(e);
  if (auto e = guest::load_modules("/lib/modules/order", "/lib/modules"); !e.empty()) fail(e);
  int fd = guest::open_port("vg.ctl", 10000);
  if (fd < 0) fail("the virtio-serial port vg.ctl did not appear");
  guest::Port port(fd);
  proto::Hello hello;
  hello.boot_ms = uptime_ms();
  if (!port.send(proto::Type::hello, proto::encode(hello))) fail("cannot write to the host port");
  guest::console("ready after " + std::to_string(hello.boot_ms) + " ms");

  proto::Frame frame;
  proto::Start start;
  // Waiting forever is right here: a pooled or template guest sits idle
  // until a command arrives, and the host owns every timeout.
  for (;;) {
    if (!port.wait_frame(frame, -1)) fail("no start frame: " + port.error());
    if (frame.type != proto::Type::start) continue;
    if (proto::decode(frame.payload, start)) break;
    port.send(proto::Type::error, "malformed start frame");
  }
  guest::refresh_clock_and_entropy(start);
  if (auto e = guest::mount_workspace(start); !e.empty()) {
    port.send(proto::Type::error, "guest workspace: " + e);
    end_session(port);
  }
  if (start.net_port != 0) {
    if (auto e = guest::start_net_bridge(start.net_port); !e.empty()) {
      port.send(proto::Type::error, "guest network: " + e);
      end_session(port);
    }
  }
  bool port_ok = true;
  proto::ExitStatus status = guest::run_command(port, start, port_ok);
  if (!port_ok) guest::power_off();  // the host is gone: nobody reads the rest
  kill_leftovers();
  if (port.send(proto::Type::exit, proto::encode(status)) &&
      guest::send_write_set(port, guest::k_upper_dir, start.max_write_bytes)) {
    end_session(port);
  }
  guest::power_off();
}

}  // namespace

int main() {
  if (getpid() != 1) {
    std::string msg = "vg-guest: this is the microVM agent; it runs as /init inside the guest\n";
    ssize_t ignored = write(2, msg.data(), msg.size());
    (void)ignored;
    return 64;
  }
  umask(022);
  serve();
}
