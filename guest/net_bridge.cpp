#include "guest/net_bridge.hpp"

#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <vector>

#include "guest/boot.hpp"
#include "guest/port.hpp"
#include "guest/protocol.hpp"

namespace vg::guest {

namespace {

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

std::string loopback_up() {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return errno_text("socket");
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  bool ok = ioctl(s, SIOCGIFFLAGS, &ifr) == 0;
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
  ok = ok && ioctl(s, SIOCSIFFLAGS, &ifr) == 0;
  std::string err = ok ? "" : errno_text("bring up lo");
  close(s);
  return err;
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// The bridge's loop: ends when the host closes "vg.net" (the VM powers off anyway).
[[noreturn]] void serve(int listen_fd, Port& port) {
  std::map<std::uint32_t, int> conns;
  std::uint32_t next_id = 1;
  auto drop = [&](std::uint32_t id, bool tell_host) {
    auto it = conns.find(id);
    if (it == conns.end()) return;
    close(it->second);
    conns.erase(it);
    if (tell_host) port.send(proto::Type::net_close, proto::encode(proto::NetFrame{id, ""}));
  };
  for (;;) {
    std::vector<pollfd> fds = {{listen_fd, POLLIN, 0}, {port.fd(), POLLIN, 0}};
    std::vector<std::uint32_t> ids;
    for (const auto& [id, fd] : conns) {
      fds.push_back({fd, POLLIN, 0});
      ids.push_back(id);
    }
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      _exit(1);
    }
    if (fds[0].revents & POLLIN) {
      int c = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (c >= 0) {
        std::uint32_t id = next_id++;
        conns[id] = c;
        port.send(proto::Type::net_open, proto::encode(proto::NetFrame{id, ""}));
      }
    }
    if (fds[1].revents & POLLIN) {
      if (!port.fill()) _exit(0);
      proto::Frame f;
      for (;;) {
        auto st = port.next(f);
        if (st == proto::Decoder::Status::corrupt) _exit(1);
        if (st == proto::Decoder::Status::need_more) break;
        proto::NetFrame nf;
        if (!proto::decode(f.payload, nf)) continue;
        if (f.type == proto::Type::net_data) {
          auto it = conns.find(nf.id);
          if (it != conns.end() && !write_all(it->second, nf.data)) drop(nf.id, true);
        } else if (f.type == proto::Type::net_close) {
          drop(nf.id, false);
        }
      }
    } else if (fds[1].revents & POLLHUP) {
      usleep(10000);  // the host end is not connected (yet): a wait, not an end
    }
    for (std::size_t i = 2; i < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[proto::k_chunk];
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        std::string data(buf, static_cast<std::size_t>(n));
        port.send(proto::Type::net_data, proto::encode(proto::NetFrame{ids[i - 2], std::move(data)}));
      } else if (n == 0 || errno != EINTR) {
        drop(ids[i - 2], true);
      }
    }
  }
}

}  // namespace

std::string start_net_bridge(std::uint32_t port_number) {
  if (auto e = loopback_up(); !e.empty()) return e;
  int fd = open_port("vg.net", 5000);
  if (fd < 0) return "the virtio-serial port vg.net did not appear";
  int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (l < 0) return errno_text("socket");
  int one = 1;
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port_number));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(l, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(l, 64) != 0) {
    return errno_text("listen on 127.0.0.1:" + std::to_string(port_number));
  }
  pid_t pid = fork();
  if (pid < 0) return errno_text("fork");
  if (pid == 0) {
    signal(SIGPIPE, SIG_IGN);
    Port port(fd);
    serve(l, port);
  }
  close(l);
  close(fd);
  return "";
}

}  // namespace vg::guest
