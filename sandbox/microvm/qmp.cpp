#include "sandbox/microvm/qmp.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config/fd_io.hpp"

namespace vg::sandbox::microvm {

std::string json_string_field(const std::string& json, const std::string& key) {
  std::string needle = "\"" + key + "\"";
  auto at = json.find(needle);
  if (at == std::string::npos) return "";
  at = json.find(':', at + needle.size());
  if (at == std::string::npos) return "";
  at = json.find('"', at);
  if (at == std::string::npos) return "";
  std::string out;
  for (std::size_t i = at + 1; i < json.size(); ++i) {
    if (json[i] == '\\' && i + 1 < json.size()) {
      out += json[++i];
    } else if (json[i] == '"') {
      return out;
    } else {
      out += json[i];
    }
  }
  return "";
}

Result<Qmp> Qmp::connect(const Vm& vm, int timeout_ms) {
  if (vm.qmp_socket.empty()) return make_error("the VM has no QMP socket");
  auto fd = connect_socket(vm, vm.qmp_socket, timeout_ms);
  if (!fd) return fd.error();
  Qmp q(*fd);
  q.m_timeout_ms = timeout_ms;
  // The greeting, then capability negotiation.
  if (auto greeting = q.read_reply(); !greeting) return greeting.error();
  if (auto caps = q.execute("qmp_capabilities"); !caps) return caps.error();
  return q;
}

Qmp::Qmp(Qmp&& other) noexcept
    : m_fd(other.m_fd), m_timeout_ms(other.m_timeout_ms), m_buffer(std::move(other.m_buffer)) {
  other.m_fd = -1;
}

Qmp::~Qmp() {
  if (m_fd >= 0) close(m_fd);
}

// The next line that is not an asynchronous event.
Result<std::string> Qmp::read_reply() {
  for (;;) {
    auto nl = m_buffer.find('\n');
    if (nl != std::string::npos) {
      std::string line = m_buffer.substr(0, nl);
      m_buffer.erase(0, nl + 1);
      if (line.find("\"event\"") != std::string::npos && line.find("\"return\"") == std::string::npos) continue;
      return line;
    }
    pollfd p{m_fd, POLLIN, 0};
    int r = poll(&p, 1, m_timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return make_error("QMP: no reply within " + std::to_string(m_timeout_ms / 1000) + " s");
    char buf[4096];
    ssize_t n = read(m_fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return make_error("QMP: QEMU closed the monitor socket");
    m_buffer.append(buf, static_cast<std::size_t>(n));
    if (m_buffer.size() > (1u << 20)) return make_error("QMP: reply too long");
  }
}

Result<std::string> Qmp::execute(const std::string& command, const std::string& arguments, int fd) {
  std::string msg = "{\"execute\":\"" + command + "\"";
  if (!arguments.empty()) msg += ",\"arguments\":" + arguments;
  msg += "}\n";
  if (!send_with_fds(m_fd, msg, &fd, fd >= 0 ? 1 : 0)) {
    return make_error("QMP " + command + ": sendmsg: " + std::strerror(errno));
  }
  auto reply = read_reply();
  if (!reply) return make_error("QMP " + command + ": " + reply.error().message);
  if (reply->find("\"error\"") != std::string::npos) {
    std::string desc = json_string_field(*reply, "desc");
    return make_error("QMP " + command + ": " + (desc.empty() ? *reply : desc));
  }
  return *reply;
}

}  // namespace vg::sandbox::microvm
