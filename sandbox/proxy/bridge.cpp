#include "sandbox/proxy/bridge.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <algorithm>
#include <cstring>
#include <list>

#include "sandbox/proxy/fd.hpp"
#include "sandbox/proxy/no_proxy.hpp"
#include "sandbox/proxy/relay.hpp"

namespace vg::sandbox::proxy {

namespace {

struct Pair {
  UniqueFd tcp;
  UniqueFd unix_fd;
  Flow up;    // tcp -> unix
  Flow down;  // unix -> tcp
  int tcp_slot = -1;
  int unix_slot = -1;
  // A forwarded port (loopback_forward.hpp): the proxy's answer to the
  // CONNECT sent for the client is read here, never shown to it.
  bool awaiting_reply = false;
  std::string reply;
  bool refused = false;
};

// Take the proxy's answer to a forward's CONNECT out of `flow` (bytes just
// read from the proxy): what follows its head is the service's. A refusal
// (anything but 200) closes the client's connection.
void take_reply(Pair& p, Flow& flow) {
  if (!p.awaiting_reply) return;
  p.reply += flow.data;
  flow.data.clear();
  auto end = p.reply.find("\r\n\r\n");
  if (end == std::string::npos) {
    if (p.reply.size() > 16 * 1024 || flow.eof) p.refused = true;
    return;
  }
  auto space = p.reply.find(' ');
  p.refused = p.reply.rfind("HTTP/1.", 0) != 0 || space == std::string::npos || p.reply.compare(space + 1, 3, "200") != 0;
  flow.data = p.reply.substr(end + 4);
  p.reply.clear();
  p.awaiting_reply = false;
}

// Listen on `address`:`port` (an IPv4 or IPv6 literal) in the caller's
// network namespace.
Result<UniqueFd> listen_on(const std::string& address, std::uint16_t port) {
  bool v6 = address.find(':') != std::string::npos;
  UniqueFd fd(::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  std::string where = (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
  if (!fd.valid()) return make_error("socket(" + where + "): " + std::strerror(errno));
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (v6) {
    auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(port);
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (::inet_pton(AF_INET6, address.c_str(), &s6->sin6_addr) != 1) return make_error("bad address " + where);
    len = sizeof *s6;
  } else {
    auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
    s4->sin_family = AF_INET;
    s4->sin_port = htons(port);
    if (::inet_pton(AF_INET, address.c_str(), &s4->sin_addr) != 1) return make_error("bad address " + where);
    len = sizeof *s4;
  }
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    return make_error("bind(" + where + "): " + std::strerror(errno));
  }
  if (::listen(fd.get(), SOMAXCONN) != 0) return make_error("listen(" + where + "): " + std::strerror(errno));
  return fd;
}

UniqueFd connect_unix(const std::string& path) {
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  if (path.size() >= sizeof sun.sun_path) return UniqueFd();
  std::memcpy(sun.sun_path, path.c_str(), path.size() + 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return fd;
  int rc;
  do {
    rc = ::connect(fd.get(), reinterpret_cast<sockaddr*>(&sun), sizeof sun);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0 || !set_nonblocking(fd.get())) return UniqueFd();
  return fd;
}

}  // namespace

Result<void> bring_up_loopback() {
  UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return make_error(std::string("socket(AF_INET): ") + std::strerror(errno));
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  if (::ioctl(fd.get(), SIOCGIFFLAGS, &ifr) != 0) {
    return make_error(std::string("ioctl(SIOCGIFFLAGS, lo): ") + std::strerror(errno));
  }
  if (ifr.ifr_flags & IFF_UP) return {};
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
  if (::ioctl(fd.get(), SIOCSIFFLAGS, &ifr) != 0) {
    return make_error(std::string("ioctl(SIOCSIFFLAGS, lo up): ") + std::strerror(errno) +
                      " (hint: the caller needs CAP_NET_ADMIN in its network namespace)");
  }
  return {};
}

void run_bridge(int listen_fd, const std::string& proxy_socket, int stop_fd) {
  run_bridge_on({{listen_fd, ""}}, proxy_socket, stop_fd);
}

void run_bridge_on(const std::vector<BridgeListener>& listeners, const std::string& proxy_socket, int stop_fd) {
  // the accept loop below drains until EAGAIN
  for (const auto& l : listeners) set_nonblocking(l.fd);
  std::list<Pair> pairs;
  std::vector<pollfd> fds;
  for (;;) {
    fds.clear();
    fds.push_back({stop_fd, POLLIN, 0});
    for (const auto& l : listeners) fds.push_back({l.fd, POLLIN, 0});
    for (auto& p : pairs) {
      short tcp_events = relay_events(p.up, p.down);
      short unix_events = relay_events(p.down, p.up);
      p.tcp_slot = p.unix_slot = -1;
      if (tcp_events != 0) {
        p.tcp_slot = static_cast<int>(fds.size());
        fds.push_back({p.tcp.get(), tcp_events, 0});
      }
      if (unix_events != 0) {
        p.unix_slot = static_cast<int>(fds.size());
        fds.push_back({p.unix_fd.get(), unix_events, 0});
      }
    }
    int n = ::poll(fds.data(), fds.size(), -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[0].revents != 0) return;
    for (auto it = pairs.begin(); it != pairs.end();) {
      short tr = it->tcp_slot >= 0 ? fds[static_cast<std::size_t>(it->tcp_slot)].revents : 0;
      short ur = it->unix_slot >= 0 ? fds[static_cast<std::size_t>(it->unix_slot)].revents : 0;
      bool ok = true;
      if (tr != 0 || ur != 0) {
        Pair& p = *it;
        ok = pump(p.up, p.tcp.get(), tr, p.unix_fd.get(), ur) &&
             pump(p.down, p.unix_fd.get(), ur, p.tcp.get(), tr, [&p](Flow& f) { take_reply(p, f); });
      }
      if (!ok || it->refused || (it->up.done() && it->down.done())) {
        it = pairs.erase(it);
      } else {
        ++it;
      }
    }
    for (std::size_t l = 0; l < listeners.size(); ++l) {
      if (fds[1 + l].revents == 0) continue;
      for (int i = 0; i < 64; ++i) {
        int fd = ::accept4(listeners[l].fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
          if (errno == EINTR || errno == ECONNABORTED) continue;
          break;
        }
        Pair p;
        p.tcp.reset(fd);
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        p.unix_fd = connect_unix(proxy_socket);
        // No proxy: drop the client; it sees the connection close at once.
        if (!p.unix_fd.valid()) continue;
        const std::string& to = listeners[l].connect_to;
        if (!to.empty()) {  // a forwarded port: ask the proxy for the service first
          p.up.data = "CONNECT " + to + " HTTP/1.1\r\nHost: " + to + "\r\n\r\n";
          p.awaiting_reply = true;
        }
        pairs.push_back(std::move(p));
      }
    }
  }
}

Result<BridgeProcess> spawn_bridge(const BridgeOptions& options) {
  if (options.bring_up_loopback) {
    if (auto r = bring_up_loopback(); !r) return r.error();
  }
  UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!listener.valid()) return make_error(std::string("socket(AF_INET): ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(options.port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0) {
    return make_error("bind(127.0.0.1:" + std::to_string(options.port) + "): " + std::strerror(errno));
  }
  if (::listen(listener.get(), SOMAXCONN) != 0) return make_error(std::string("listen: ") + std::strerror(errno));
  socklen_t len = sizeof sin;
  if (::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&sin), &len) != 0) {
    return make_error(std::string("getsockname: ") + std::strerror(errno));
  }
  BridgeProcess bridge;
  bridge.port = ntohs(sin.sin_port);
  // The allow-listed loopback services, at the address and port the user
  // wrote (loopback_forward.hpp).
  std::vector<UniqueFd> forward_fds;
  std::vector<std::string> targets;
  for (const auto& f : options.forwards) {
    auto fd = listen_on(f.address, f.port);
    if (!fd) {
      if (f.address == "::1") continue;  // best effort: a sandbox may have no IPv6 loopback
      return make_error("forwarding the allow-listed " + f.target + ": " + fd.error().message);
    }
    forward_fds.push_back(std::move(*fd));
    targets.push_back(f.target);
  }
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) return make_error(std::string("fork (network bridge): ") + std::strerror(errno));
  if (pid == 0) {
    // The bridge: dies with the sandbox, holds no descriptor but its own
    // (an inherited pipe end would keep a reader of the command's output
    // waiting), and keeps out of the terminal's signals.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(0);
    ::prctl(PR_SET_NAME, "vg-net-bridge");
    ::setsid();
    sigset_t all;
    sigemptyset(&all);
    ::sigprocmask(SIG_SETMASK, &all, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
    // Its listeners move to one block of descriptors above all of them;
    // every other descriptor is closed.
    std::vector<int> own{listener.get()};
    for (const auto& f : forward_fds) own.push_back(f.get());
    int base = *std::max_element(own.begin(), own.end()) + 1;
    for (std::size_t i = 0; i < own.size(); ++i) ::dup2(own[i], base + static_cast<int>(i));
    ::close_range(0, static_cast<unsigned>(base - 1), 0);
    ::close_range(static_cast<unsigned>(base) + static_cast<unsigned>(own.size()), ~0U, 0);
    std::vector<BridgeListener> listeners{{base, ""}};
    for (std::size_t i = 0; i < targets.size(); ++i) listeners.push_back({base + 1 + static_cast<int>(i), targets[i]});
    // It only accepts and connects: it keeps no capability the sandbox's
    // setup process had, and can never gain one.
    ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct caps[2] = {};
    ::syscall(SYS_capset, &header, caps);
    // It runs beside the command, as its uid: not dumpable, so the command
    // cannot write its memory through /proc/PID/mem (or ptrace it) and run
    // code outside the filter; and under the same filter all the same.
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (options.seccomp) {
      sock_fprog prog{static_cast<unsigned short>(options.seccomp->size()), const_cast<sock_filter*>(options.seccomp->data())};
      if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) ::_exit(1);
    }
    run_bridge_on(listeners, options.proxy_socket, -1);
    ::_exit(0);
  }
  bridge.pid = pid;
  return bridge;
}

std::vector<std::string> proxy_environment(std::uint16_t port, const std::vector<std::string>& allowed_hosts) {
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  std::string no_proxy = no_proxy_list(allowed_hosts);
  return {
      "HTTP_PROXY=" + url,
      "HTTPS_PROXY=" + url,
      "http_proxy=" + url,
      "https_proxy=" + url,
      "NO_PROXY=" + no_proxy,
      "no_proxy=" + no_proxy,
      "npm_config_proxy=" + url,
      "npm_config_https_proxy=" + url,
      "PIP_PROXY=" + url,
      "GIT_CONFIG_COUNT=1",
      "GIT_CONFIG_KEY_0=http.proxy",
      "GIT_CONFIG_VALUE_0=" + url,
  };
}

void apply_proxy_environment(std::vector<std::string>& env, std::uint16_t port,
                             const std::vector<std::string>& allowed_hosts) {
  auto key_of = [](const std::string& kv) { return kv.substr(0, kv.find('=')); };
  // An ALL_PROXY pointing elsewhere cannot work in the sandbox: drop it too.
  static const char* const k_replaced[] = {
      "HTTP_PROXY", "HTTPS_PROXY", "http_proxy",       "https_proxy",           "NO_PROXY", "no_proxy",
      "ALL_PROXY",  "all_proxy",   "npm_config_proxy", "npm_config_https_proxy", "PIP_PROXY"};
  unsigned git_count = 0;
  std::erase_if(env, [&](const std::string& kv) {
    auto key = key_of(kv);
    if (key == "GIT_CONFIG_COUNT") {
      auto value = kv.substr(kv.find('=') + 1);
      git_count = 0;
      for (char ch : value) {
        if (ch < '0' || ch > '9' || git_count > 1000) {
          git_count = 0;
          break;
        }
        git_count = git_count * 10 + static_cast<unsigned>(ch - '0');
      }
      return true;
    }
    for (const char* k : k_replaced) {
      if (key == k) return true;
    }
    return false;
  });
  for (auto& kv : proxy_environment(port, allowed_hosts)) {
    auto key = key_of(kv);
    if (key.starts_with("GIT_CONFIG_")) continue;
    env.push_back(std::move(kv));
  }
  std::string index = std::to_string(git_count);
  env.push_back("GIT_CONFIG_COUNT=" + std::to_string(git_count + 1));
  env.push_back("GIT_CONFIG_KEY_" + index + "=http.proxy");
  env.push_back("GIT_CONFIG_VALUE_" + index + "=http://127.0.0.1:" + std::to_string(port));
}

}  // namespace vg::sandbox::proxy
