#include "sandbox/microvm/pool_client.hpp"

#include <unistd.h>

#include <cstdlib>

#include "sandbox/microvm/pool.hpp"
#include "sandbox/microvm/pool_wire.hpp"

namespace vg::sandbox::microvm {

std::optional<WarmVm> take_warm_vm(const std::string& workspace, const Assets& assets,
                                   const std::string& hidden_digest) {
  auto path = pool_socket_path();
  if (!path) return std::nullopt;
  int sock = wire::connect_unix(*path);
  if (sock < 0) return std::nullopt;
  std::string line;
  int fd = -1;
  bool ok = wire::send_line(sock, "take\t" + workspace + "\t" + assets.version + "\t" + hidden_digest) &&
            wire::read_line(sock, line, 3000, &fd);
  close(sock);
  auto f = wire::fields(line);
  if (!ok || f[0] != "vm" || f.size() != 3 || fd < 0) {
    if (fd >= 0) close(fd);
    return std::nullopt;
  }
  WarmVm w;
  w.fd = fd;
  w.vm.pid = static_cast<pid_t>(std::atoi(f[1].c_str()));
  w.vm.adopted = true;
  w.vm.run_dir = f[2];
  w.vm.ctl_socket = f[2] + "/ctl.sock";
  w.vm.net_socket = f[2] + "/net.sock";
  w.vm.console_log = f[2] + "/console.log";
  w.vm.qemu_log = f[2] + "/qemu.log";
  return w;
}

Result<std::vector<std::string>> pool_status() {
  auto path = pool_socket_path();
  if (!path) return path.error();
  int sock = wire::connect_unix(*path);
  if (sock < 0) return make_error("no warm pool is running (start one with 'vg sandbox warm')");
  std::vector<std::string> lines;
  std::string line;
  if (wire::send_line(sock, "status")) {
    while (wire::read_line(sock, line, 3000) && line != "end") lines.push_back(line);
  }
  close(sock);
  return lines;
}

}  // namespace vg::sandbox::microvm
