#pragma once
// Seeing the programs that ignore the proxy. In the sandbox's network
// namespace every connection that does not go to the bridge finds no route,
// and the kernel counts those (Ip OutNoRoutes in /proc/net/snmp,
// Ip6OutNoRoutes in /proc/net/snmp6). Before the command starts, the sandbox
// side opens both files and hands the descriptors to the host over a unix
// socket next to the proxy's; an open procfs net file keeps its namespace,
// so the host reads the final counts after the sandbox is gone and can say
// that something went around the proxy, and how often.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/result.hpp"
#include "sandbox/proxy/fd.hpp"

namespace vg::sandbox::proxy {

// The counter socket's name, in the same directory as the proxy's socket.
inline constexpr const char* k_counter_socket_name = "counters.sock";

// Return OutNoRoutes of `snmp` plus Ip6OutNoRoutes of `snmp6` (file texts);
// nullopt when `snmp` has no such counter.
std::optional<std::uint64_t> parse_no_routes(std::string_view snmp, std::string_view snmp6);

// Host side: listen (mode 0600) on `path` for the sandbox's counter files.
Result<UniqueFd> listen_for_counters(const std::string& path);

// Sandbox side: send this network namespace's counter files, and their
// values now, to the socket at `path`.
Result<void> send_counters(const std::string& path);

// Host side: take the first counter files queued on `listener` and return
// how many connections had no route since they were sent; nullopt when none
// arrived or they are not procfs files.
std::optional<std::uint64_t> read_no_routes(int listener);

}  // namespace vg::sandbox::proxy
