#pragma once
// The restricted network's connections in the audit log: one JSON line per
// allowed, refused or failed connection of the proxy (sandbox/proxy), next to
// the command records that router/audit writes, with the same locked append.
//
// A network record is also a valid command record for router::parse_audit
// (time, command, route "network", level), so `vg log` lists it instead of
// warning; its own fields are event "network", verdict, method, host, port,
// address, status, reason, and run_started + run_pid, which name the run it
// belongs to: run_started is the "time" of that run's command record.

#include <cstdint>
#include <functional>
#include <string>

#include "config/config.hpp"
#include "sandbox/proxy/options.hpp"

namespace vg {

// The run whose connections are logged.
struct NetworkAuditRun {
  std::string command;        // as in the command record
  std::int64_t started_ms = 0;  // Unix ms; the command record's "time"
  config::Level level = config::Level::low;
  std::string backend;        // sandbox runtime
};

// Records one run may write. A command that opens connections by the
// hundred thousand would otherwise rotate the whole audit log away (and the
// records of other runs with it); past the limit one record says so.
inline constexpr std::uint64_t k_network_audit_max_records = 10000;

// Return an observer that appends a line to `config`'s audit log for every
// event of `run` (empty unless the network mode is restricted), up to
// `max_records`, then one "unlogged" record; a failed write is reported on
// stderr once.
std::function<void(const sandbox::proxy::ConnectionEvent&)> network_audit_observer(
    const config::Config& config, NetworkAuditRun run, std::uint64_t max_records = k_network_audit_max_records);

}  // namespace vg
