// vg-guest: the agent inside the microVM, started by the kernel as /init.
// It prepares the guest, greets the host over the virtio-serial port
// "vg.ctl", runs the one command of the start frame, reports its exit and
// the workspace write set, and powers the VM off.
#include <sys/stat.h>
#include <unistd.h>

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
    guest::power_off();
  }
  if (start.net_port != 0) {
    if (auto e = guest::start_net_bridge(start.net_port); !e.empty()) {
      port.send(proto::Type::error, "guest network: " + e);
      guest::power_off();
    }
  }
  bool port_ok = true;
  proto::ExitStatus status = guest::run_command(port, start, port_ok);
  if (port_ok && port.send(proto::Type::exit, proto::encode(status))) {
    guest::send_write_set(port, guest::k_upper_dir, start.max_write_bytes);
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
