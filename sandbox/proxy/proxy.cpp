#include "sandbox/proxy/proxy.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sandbox/proxy/server.hpp"

namespace vg::sandbox::proxy {

namespace {

Result<UniqueFd> listen_unix(const std::string& path, unsigned mode) {
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof sun.sun_path) {
    return make_error("proxy socket path '" + path + "' is empty or longer than " +
                      std::to_string(sizeof sun.sun_path - 1) + " bytes (hint: use a shorter runtime directory)");
  }
  std::memcpy(sun.sun_path, path.c_str(), path.size() + 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return make_error(std::string("socket(AF_UNIX): ") + std::strerror(errno));
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sun), sizeof sun) != 0) {
    return make_error("bind(\"" + path + "\"): " + std::strerror(errno));
  }
  if (::chmod(path.c_str(), mode) != 0) {
    int err = errno;
    ::unlink(path.c_str());
    return make_error("chmod(\"" + path + "\"): " + std::strerror(err));
  }
  if (::listen(fd.get(), SOMAXCONN) != 0) {
    int err = errno;
    ::unlink(path.c_str());
    return make_error("listen(\"" + path + "\"): " + std::strerror(err));
  }
  return fd;
}

}  // namespace

Result<std::unique_ptr<Proxy>> Proxy::start(ProxyOptions options) {
  auto proxy = listen(std::move(options));
  if (!proxy) return proxy.error();
  if (auto r = (*proxy)->serve(); !r) return r.error();
  return proxy;
}

Result<std::unique_ptr<Proxy>> Proxy::listen(ProxyOptions options) {
  auto policy = Policy::make(options.allowed_hosts, options.blocked_hosts);
  if (!policy) return policy.error();
  if (!options.resolver) options.resolver = make_system_resolver();
  auto listener = listen_unix(options.socket_path, options.socket_mode);
  if (!listener) return listener.error();
  std::unique_ptr<Proxy> proxy(new Proxy);
  proxy->m_socket_path = options.socket_path;
  proxy->m_options = std::make_unique<ProxyOptions>(std::move(options));
  proxy->m_policy = std::make_unique<Policy>(std::move(*policy));
  proxy->m_listener = std::move(*listener);
  return proxy;
}

Result<void> Proxy::serve() {
  if (!m_options) return make_error("the network proxy is already serving or stopped");
  m_stop.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!m_stop.valid()) return make_error(std::string("eventfd: ") + std::strerror(errno));
  // The proxy's threads (the loop and the resolver workers) take no signals:
  // they inherit a fully blocked mask, so vg's signal forwarding stays on the
  // thread that set it up.
  sigset_t all, previous;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &previous);
  struct RestoreMask {
    sigset_t mask;
    ~RestoreMask() { ::pthread_sigmask(SIG_SETMASK, &mask, nullptr); }
  } restore{previous};
  try {
    m_server = std::make_unique<Server>(std::move(*m_options), std::move(*m_policy), std::move(m_listener));
    m_options.reset();
    m_policy.reset();
    Server* server = m_server.get();
    int stop_fd = m_stop.get();
    m_thread = std::thread([server, stop_fd] { server->run(stop_fd); });
  } catch (const std::exception& e) {
    m_server.reset();
    return make_error(std::string("cannot start the network proxy: ") + e.what());
  }
  return {};
}

Proxy::~Proxy() { stop(); }

void Proxy::stop() {
  if (m_thread.joinable()) {
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(m_stop.get(), &one, sizeof one);
    m_thread.join();
  }
  bool had_socket = m_server || m_listener.valid();
  m_server.reset();
  m_listener.reset();
  m_options.reset();
  m_policy.reset();
  if (had_socket) ::unlink(m_socket_path.c_str());
  m_stop.reset();
}

ProxyStats Proxy::stats() const {
  ProxyStats s;
  if (!m_server) return s;
  s.accepted = m_server->accepted.load();
  s.allowed = m_server->allowed.load();
  s.refused = m_server->refused.load();
  s.errors = m_server->errors.load();
  s.active = m_server->active.load();
  return s;
}

}  // namespace vg::sandbox::proxy
