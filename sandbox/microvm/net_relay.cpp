#include "sandbox/microvm/net_relay.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <vector>

#include "config/fd_io.hpp"
#include "guest/protocol.hpp"
#include "sandbox/microvm/pool_wire.hpp"

namespace vg::sandbox::microvm {

Result<std::unique_ptr<NetRelay>> NetRelay::start(const Vm& vm, const std::string& proxy_socket) {
  auto fd = connect_socket(vm, vm.net_socket, 10000);
  if (!fd) return make_error("the guest's network port: " + fd.error().message);
  std::unique_ptr<NetRelay> r(new NetRelay());
  r->m_port = *fd;
  r->m_proxy_socket = proxy_socket;
  if (pipe2(r->m_stop, O_CLOEXEC) != 0) return make_error(std::string("pipe2: ") + std::strerror(errno));
  // The thread must not take vg's signals (the launcher reads them from a signalfd).
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  r->m_thread = std::thread([p = r.get()] { p->run(); });
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return r;
}

NetRelay::~NetRelay() {
  if (m_stop[1] >= 0) {
    char c = 0;
    ssize_t ignored = write(m_stop[1], &c, 1);
    (void)ignored;
  }
  if (m_thread.joinable()) m_thread.join();
  for (int fd : {m_port, m_stop[0], m_stop[1]}) {
    if (fd >= 0) close(fd);
  }
}

void NetRelay::run() {
  std::map<std::uint32_t, int> conns;
  proto::Decoder decoder;
  auto send = [&](proto::Type type, std::uint32_t id, std::string data) {
    return write_all(m_port, proto::encode_frame(type, proto::encode(proto::NetFrame{id, std::move(data)})));
  };
  auto drop = [&](std::uint32_t id, bool tell_guest) {
    auto it = conns.find(id);
    if (it == conns.end()) return;
    close(it->second);
    conns.erase(it);
    if (tell_guest) send(proto::Type::net_close, id, "");
  };
  for (;;) {
    std::vector<pollfd> fds = {{m_stop[0], POLLIN, 0}, {m_port, POLLIN, 0}};
    std::vector<std::uint32_t> ids;
    for (const auto& [id, fd] : conns) {
      fds.push_back({fd, POLLIN, 0});
      ids.push_back(id);
    }
    if (poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) break;
    if (fds[0].revents) break;
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      char buf[65536];
      ssize_t n = read(m_port, buf, sizeof buf);
      if (n <= 0 && !(n < 0 && errno == EINTR)) break;  // QEMU went away
      if (n > 0) decoder.feed(buf, static_cast<std::size_t>(n));
      proto::Frame f;
      for (;;) {
        auto st = decoder.next(f);
        if (st != proto::Decoder::Status::frame) break;  // need_more, or corrupt: nothing more is read
        proto::NetFrame nf;
        if (!proto::decode(f.payload, nf)) continue;
        if (f.type == proto::Type::net_open) {
          int c = wire::connect_unix(m_proxy_socket);
          if (c < 0 || conns.count(nf.id)) {
            if (c >= 0) close(c);
            send(proto::Type::net_close, nf.id, "");
          } else {
            conns[nf.id] = c;
          }
        } else if (f.type == proto::Type::net_data) {
          auto it = conns.find(nf.id);
          if (it != conns.end() && !write_all(it->second, nf.data)) drop(nf.id, true);
        } else if (f.type == proto::Type::net_close) {
          drop(nf.id, false);
        }
      }
      if (!decoder.error().empty()) break;
    }
    for (std::size_t i = 2; i < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[proto::k_chunk];
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        if (!send(proto::Type::net_data, ids[i - 2], std::string(buf, static_cast<std::size_t>(n)))) return;
      } else if (n == 0 || errno != EINTR) {
        drop(ids[i - 2], true);
      }
    }
  }
  for (auto& [id, fd] : conns) close(fd);
}

}  // namespace vg::sandbox::microvm
