#include "sandbox/proxy/loopback_forward.hpp"

#include <algorithm>

#include "config/host_entry.hpp"

namespace vg::sandbox::proxy {

namespace {

bool loopback_v4(const std::string& address) { return address.rfind("127.", 0) == 0; }

void add(std::vector<LoopbackForward>& out, LoopbackForward f, std::uint16_t taken) {
  if (f.address == "127.0.0.1" && f.port == taken) return;
  bool seen = std::any_of(out.begin(), out.end(), [&](const LoopbackForward& o) {
    return o.address == f.address && o.port == f.port;
  });
  if (!seen) out.push_back(std::move(f));
}

}  // namespace

std::vector<LoopbackForward> loopback_forwards(const std::vector<std::string>& allowed_hosts, std::uint16_t taken) {
  using Kind = config::HostEntry::Kind;
  std::vector<LoopbackForward> out;
  for (const auto& text : allowed_hosts) {
    auto e = config::parse_host_entry(text);
    if (!e || !e->port) continue;
    std::uint16_t port = *e->port;
    std::string p = std::to_string(port);
    if (e->kind == Kind::name && e->name == "localhost") {
      add(out, {"127.0.0.1", port, "localhost:" + p}, taken);
      add(out, {"::1", port, "localhost:" + p}, taken);
    } else if (e->kind == Kind::address && e->prefix_len < 0 && loopback_v4(e->address)) {
      add(out, {e->address, port, e->address + ":" + p}, taken);
    } else if (e->kind == Kind::address && e->prefix_len < 0 && e->address == "::1") {
      add(out, {"::1", port, "[::1]:" + p}, taken);
    }
  }
  return out;
}

}  // namespace vg::sandbox::proxy
