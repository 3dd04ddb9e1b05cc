#include "sandbox/proxy/server.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace vg::sandbox::proxy {

namespace {

constexpr std::size_t k_max_response_head = 64 * 1024;
constexpr std::size_t k_max_drain = 1024 * 1024;
constexpr int k_accepts_per_round = 64;

std::string host_port(const std::string& host, std::uint16_t port) {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

}  // namespace

const char* to_string(ConnectionEvent::Verdict v) {
  switch (v) {
    case ConnectionEvent::Verdict::allowed:
      return "allowed";
    case ConnectionEvent::Verdict::refused:
      return "refused";
    case ConnectionEvent::Verdict::error:
      return "error";
  }
  return "error";
}

Server::Server(ProxyOptions options, Policy policy, UniqueFd listener)
    : m_options(std::move(options)),
      m_policy(std::move(policy)),
      m_listener(std::move(listener)),
      m_resolve(std::make_unique<ResolvePool>(m_options.resolver, m_options.resolver_threads)) {}

Server::~Server() = default;

void Server::run(int stop_fd) {
  std::vector<pollfd> fds;
  for (;;) {
    auto now = Clock::now();
    fds.clear();
    fds.push_back({stop_fd, POLLIN, 0});
    fds.push_back({m_resolve->wake_fd(), POLLIN, 0});
    bool listening = now >= m_listener_paused_until;
    fds.push_back({listening ? m_listener.get() : -1, POLLIN, 0});
    auto next = listening ? Clock::time_point::max() : m_listener_paused_until;
    for (auto& [id, cp] : m_conns) {
      Conn& c = *cp;
      short client_events = 0;
      short upstream_events = 0;
      switch (c.state) {
        case State::reading_head:
        case State::draining:
          client_events = POLLIN;
          break;
        case State::connecting:
          upstream_events = POLLOUT;
          break;
        case State::relaying:
          client_events = relay_events(c.up, c.down);
          upstream_events = relay_events(c.down, c.up);
          break;
        case State::replying:
          client_events = POLLOUT;
          break;
        case State::resolving:
        case State::closed:
          break;
      }
      // A descriptor with nothing to wait for stays out of the set: POLLHUP
      // is reported even unasked, and would spin the loop.
      c.client_slot = c.upstream_slot = -1;
      if (client_events != 0) {
        c.client_slot = static_cast<int>(fds.size());
        fds.push_back({c.client.get(), client_events, 0});
      }
      if (upstream_events != 0) {
        c.upstream_slot = static_cast<int>(fds.size());
        fds.push_back({c.upstream.get(), upstream_events, 0});
      }
      next = std::min(next, c.deadline);
    }
    int timeout = -1;
    if (next != Clock::time_point::max()) {
      auto ms = std::chrono::ceil<std::chrono::milliseconds>(next - now).count();
      timeout = static_cast<int>(std::clamp<long long>(ms, 0, 60'000));
    }
    int n = ::poll(fds.data(), fds.size(), timeout);
    if (n < 0 && errno != EINTR) continue;
    if (n < 0) {
      for (auto& f : fds) f.revents = 0;
    }
    if (fds[0].revents != 0) break;
    now = Clock::now();
    if (fds[1].revents & POLLIN) {
      for (auto& answer : m_resolve->take()) on_resolved(answer);
    }
    if (fds[2].revents != 0) accept_clients(now);
    for (auto& [id, cp] : m_conns) {
      Conn& c = *cp;
      short client_rev = c.client_slot >= 0 ? fds[static_cast<std::size_t>(c.client_slot)].revents : 0;
      short upstream_rev = c.upstream_slot >= 0 ? fds[static_cast<std::size_t>(c.upstream_slot)].revents : 0;
      c.client_slot = c.upstream_slot = -1;
      if (client_rev == 0 && upstream_rev == 0) continue;
      switch (c.state) {
        case State::reading_head:
          on_client_readable(c);
          break;
        case State::connecting:
          on_connect_ready(c);
          break;
        case State::relaying:
          relay(c, client_rev, upstream_rev);
          break;
        case State::replying:
          if (!pump(c.down, -1, 0, c.client.get(), client_rev)) {
            close(c);
          } else if (c.down.done()) {
            c.state = State::draining;
          }
          break;
        case State::draining:
          drain(c);
          break;
        case State::resolving:
        case State::closed:
          break;
      }
    }
    now = Clock::now();
    for (auto& [id, cp] : m_conns) {
      if (cp->state != State::closed && cp->deadline <= now) on_deadline(*cp);
    }
    std::erase_if(m_conns, [](const auto& kv) { return kv.second->state == State::closed; });
  }
  for (auto& [id, cp] : m_conns) close(*cp);
  m_conns.clear();
}

void Server::accept_clients(Clock::time_point now) {
  for (int i = 0; i < k_accepts_per_round; ++i) {
    int fd = ::accept4(m_listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of descriptors: leave the backlog alone for a moment instead of spinning.
        m_listener_paused_until = now + std::chrono::milliseconds(100);
      }
      return;
    }
    ++accepted;
    if (m_conns.size() >= m_options.max_connections) {
      static const std::string k_busy =
          make_response(503, "Service Unavailable", "vg proxy: too many connections, try again\n");
      [[maybe_unused]] auto sent = ::send(fd, k_busy.data(), k_busy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      ::close(fd);
      Conn busy;  // for the observer: turned away before any request was read
      busy.id = m_next_id++;
      emit(busy, ConnectionEvent::Verdict::error, 503, "",
           "too many connections (" + std::to_string(m_options.max_connections) + " open)");
      continue;
    }
    auto c = std::make_unique<Conn>();
    c->id = m_next_id++;
    c->client.reset(fd);
    c->deadline = now + m_options.header_timeout;
    ++active;
    m_conns.emplace(c->id, std::move(c));
  }
}

void Server::on_client_readable(Conn& c) {
  std::size_t room = m_options.max_header_bytes + 1 - std::min(c.head.size(), m_options.max_header_bytes);
  std::size_t old = c.head.size();
  c.head.resize(old + room);
  ssize_t n = ::recv(c.client.get(), c.head.data() + old, room, 0);
  c.head.resize(old + static_cast<std::size_t>(n > 0 ? n : 0));
  if (n == 0) {
    close(c);  // the client went away before finishing its request
    return;
  }
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) close(c);
    return;
  }
  std::size_t end = find_head_end(c.head);
  if (end != 0 && end <= m_options.max_header_bytes) {
    c.head_len = end;
    on_head(c);
  } else if (end != 0 || c.head.size() > m_options.max_header_bytes) {
    fail(c, 431, "Request Header Fields Too Large",
         "the request head is larger than " + std::to_string(m_options.max_header_bytes) + " bytes");
  }
}

void Server::on_head(Conn& c) {
  auto parsed = parse_request_head(std::string_view(c.head).substr(0, c.head_len));
  if (!parsed) return fail(c, 400, "Bad Request", "malformed request: " + parsed.error().message);
  c.request = std::move(*parsed);
  c.method = c.request.method;
  Authority authority;
  if (c.method == "CONNECT") {
    c.is_connect = true;
    auto a = parse_authority(c.request.target, 0, true);
    if (!a) return fail(c, 400, "Bad Request", "malformed CONNECT target: " + a.error().message);
    authority = std::move(*a);
  } else {
    auto t = parse_absolute_target(c.request.target);
    if (!t) return fail(c, 400, "Bad Request", t.error().message);
    c.target = std::move(*t);
    authority = c.target.authority;
    if (const auto* h = c.request.find("host")) {
      auto ha = parse_authority(*h, 80, false);
      if (!ha || normalize_host(ha->host) != normalize_host(authority.host) || ha->port != authority.port) {
        return fail(c, 400, "Bad Request", "the Host header does not match the request target");
      }
    }
  }
  c.host = normalize_host(authority.host);
  c.port = authority.port;
  auto decision = m_policy.check_target(c.host, c.port);
  if (!decision.allowed()) return refuse(c, decision.reason, "");
  if (auto address = parse_address(c.host)) {
    c.addresses = {*address};
    return check_addresses_and_connect(c);
  }
  c.state = State::resolving;
  c.deadline = Clock::now() + m_options.connect_timeout;
  m_resolve->submit(c.id, c.host);
}

void Server::on_resolved(ResolvePool::Answer& answer) {
  auto it = m_conns.find(answer.id);
  if (it == m_conns.end() || it->second->state != State::resolving) return;
  Conn& c = *it->second;
  if (!answer.addresses) return fail(c, 502, "Bad Gateway", answer.addresses.error().message);
  c.addresses = std::move(*answer.addresses);
  check_addresses_and_connect(c);
}

void Server::check_addresses_and_connect(Conn& c) {
  // Every address is checked before any is used, and only checked addresses
  // are ever connected to: a name cannot be re-resolved to something else.
  for (const auto& a : c.addresses) {
    auto decision = m_policy.check_address(a, c.port);
    if (!decision.allowed()) return refuse(c, decision.reason, a.to_string());
  }
  c.next_address = 0;
  start_connect(c);
}

void Server::start_connect(Conn& c) {
  while (c.next_address < c.addresses.size()) {
    const Address& a = c.addresses[c.next_address++];
    sockaddr_storage ss{};
    socklen_t len = a.to_sockaddr(c.port, ss);
    int family = a.family == Address::Family::v4 ? AF_INET : AF_INET6;
    UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) {
      c.last_error = std::string("socket: ") + std::strerror(errno);
      continue;
    }
    int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int rc = ::connect(fd.get(), reinterpret_cast<sockaddr*>(&ss), len);
    if (rc == 0 || errno == EINPROGRESS) {
      c.upstream = std::move(fd);
      c.connected = a;
      if (rc == 0) return on_established(c);
      c.state = State::connecting;
      c.deadline = Clock::now() + m_options.connect_timeout;
      return;
    }
    c.last_error = a.to_string() + ": " + std::strerror(errno);
  }
  fail(c, 502, "Bad Gateway", "cannot connect to " + host_port(c.host, c.port) + " (" + c.last_error + ")");
}

void Server::on_connect_ready(Conn& c) {
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(c.upstream.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err == 0) return on_established(c);
  c.last_error = c.connected.to_string() + ": " + std::strerror(err);
  c.upstream.reset();
  start_connect(c);
}

void Server::on_established(Conn& c) {
  emit(c, ConnectionEvent::Verdict::allowed, c.is_connect ? 200 : 0, c.connected.to_string(), "allowed");
  c.state = State::relaying;
  c.deadline = Clock::time_point::max();
  std::string rest = c.head.substr(c.head_len);
  if (c.is_connect) {
    c.down.data = "HTTP/1.1 200 Connection established\r\n\r\n";
    c.up.data = std::move(rest);
  } else {
    c.up.data = build_upstream_head(c.request, c.target) + rest;
    c.response_head_done = false;
  }
  c.head = std::string();
  relay(c, POLLOUT, POLLOUT);
}

void Server::relay(Conn& c, short client_rev, short upstream_rev) {
  std::function<void(Flow&)> rewrite;
  if (!c.response_head_done) {
    rewrite = [&c](Flow& f) {
      c.response_head.append(f.data, f.offset);
      f.data.clear();
      f.offset = 0;
      std::size_t end = find_head_end(c.response_head);
      if (end != 0) {
        f.data = rewrite_response_head(std::string_view(c.response_head).substr(0, end)) +
                 c.response_head.substr(end);
      } else if (f.eof || c.response_head.size() > k_max_response_head) {
        f.data = std::move(c.response_head);  // not HTTP as we know it: pass it on untouched
      } else {
        return;
      }
      c.response_head = std::string();
      c.response_head_done = true;
    };
  }
  bool ok = pump(c.up, c.client.get(), client_rev, c.upstream.get(), upstream_rev) &&
            pump(c.down, c.upstream.get(), upstream_rev, c.client.get(), client_rev, rewrite);
  // Plain HTTP closes after one response; a tunnel when both directions ended.
  if (!ok || (c.down.done() && (!c.is_connect || c.up.done()))) close(c);
}

void Server::reply_and_close(Conn& c, int status, std::string_view reason_phrase, const std::string& body) {
  c.upstream.reset();
  c.down = Flow{};
  c.down.data = make_response(status, reason_phrase, body);
  c.down.eof = true;
  c.state = State::replying;
  // Linger: keep reading (and discarding) what the client still sends, so
  // that closing with unread data does not reset the reply away.
  c.deadline = Clock::now() + m_options.linger_timeout;
  if (!pump(c.down, -1, 0, c.client.get(), POLLOUT)) {
    close(c);
  } else if (c.down.done()) {
    c.state = State::draining;
  }
}

void Server::refuse(Conn& c, const std::string& reason, const std::string& address) {
  emit(c, ConnectionEvent::Verdict::refused, 403, address, reason);
  std::string target = host_port(c.host, c.port);
  bool unlisted = reason == "not in allowed_hosts";
  std::string line = "vg: network: refused " + c.method + " " + target + ": " + reason;
  if (unlisted) line += " (hint: add it to sandbox.network.allowed_hosts)";
  if (m_options.refusal_sink) {
    m_options.refusal_sink(line);
  } else {
    line += "\n";
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
  }
  std::string body = "vg refused this connection to " + target + ": " + reason + ".\n" +
                     "The command runs in a vg sandbox with network.mode: restricted; only hosts in "
                     "sandbox.network.allowed_hosts are reachable.\n";
  reply_and_close(c, 403, "Forbidden", body);
}

void Server::fail(Conn& c, int status, std::string_view reason_phrase, const std::string& why) {
  emit(c, ConnectionEvent::Verdict::error, status, "", why);
  reply_and_close(c, status, reason_phrase, "vg proxy: " + why + "\n");
}

void Server::drain(Conn& c) {
  char buf[16 * 1024];
  for (;;) {
    ssize_t n = ::recv(c.client.get(), buf, sizeof buf, 0);
    if (n > 0) {
      c.drained += static_cast<std::size_t>(n);
      if (c.drained > k_max_drain) return close(c);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    return close(c);
  }
}

void Server::on_deadline(Conn& c) {
  switch (c.state) {
    case State::reading_head:
      return fail(c, 408, "Request Timeout",
                  "the request head did not arrive within " + std::to_string(m_options.header_timeout.count()) +
                      " ms");
    case State::resolving:
      return fail(c, 504, "Gateway Timeout", "resolving " + c.host + " took too long");
    case State::connecting:
      c.upstream.reset();
      c.last_error = c.connected.to_string() + ": connect timed out";
      if (c.next_address < c.addresses.size()) return start_connect(c);
      return fail(c, 504, "Gateway Timeout", "cannot connect to " + host_port(c.host, c.port) + " (" +
                                                 c.last_error + ")");
    case State::replying:
    case State::draining:
    case State::relaying:
    case State::closed:
      return close(c);
  }
}

void Server::emit(const Conn& c, ConnectionEvent::Verdict v, int status, const std::string& address,
                  const std::string& reason) {
  switch (v) {
    case ConnectionEvent::Verdict::allowed:
      ++allowed;
      break;
    case ConnectionEvent::Verdict::refused:
      ++refused;
      break;
    case ConnectionEvent::Verdict::error:
      ++errors;
      break;
  }
  if (!m_options.observer) return;
  ConnectionEvent e;
  e.verdict = v;
  e.id = c.id;
  e.method = c.method;
  e.host = c.host;
  e.port = c.port;
  e.address = address;
  e.status = status;
  e.reason = reason;
  try {
    m_options.observer(e);
  } catch (...) {
    // An observer's failure must not take the proxy down with it.
  }
}

void Server::close(Conn& c) {
  if (c.state == State::closed) return;
  c.client.reset();
  c.upstream.reset();
  c.state = State::closed;
  --active;
}

}  // namespace vg::sandbox::proxy
