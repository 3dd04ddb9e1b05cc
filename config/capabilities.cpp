#include "config/capabilities.hpp"

#include <cctype>

#include "config/suggest.hpp"

namespace vg::config {

namespace {

// In kernel order: the index is the capability's number (linux/capability.h).
const char* const k_names[] = {
    "CHOWN",           "DAC_OVERRIDE", "DAC_READ_SEARCH",  "FOWNER",         "FSETID",        "KILL",
    "SETGID",          "SETUID",       "SETPCAP",          "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST",
    "NET_ADMIN",       "NET_RAW",      "IPC_LOCK",         "IPC_OWNER",      "SYS_MODULE",    "SYS_RAWIO",
    "SYS_CHROOT",      "SYS_PTRACE",   "SYS_PACCT",        "SYS_ADMIN",      "SYS_BOOT",      "SYS_NICE",
    "SYS_RESOURCE",    "SYS_TIME",     "SYS_TTY_CONFIG",   "MKNOD",          "LEASE",         "AUDIT_WRITE",
    "AUDIT_CONTROL",   "SETFCAP",      "MAC_OVERRIDE",     "MAC_ADMIN",      "SYSLOG",        "WAKE_ALARM",
    "BLOCK_SUSPEND",   "AUDIT_READ",   "PERFMON",          "BPF",            "CHECKPOINT_RESTORE",
};

struct Danger {
  const char* name;
  const char* why;
};

// Capabilities that would break the sandbox's own walls (or the host's),
// even inside its user namespace.
const Danger k_dangerous[] = {
    {"SYS_ADMIN", "it allows mount, namespaces and much more, which would undo the sandbox"},
    {"SYS_MODULE", "it allows loading kernel modules"},
    {"SYS_PTRACE", "it allows tracing other processes and reading their memory"},
    {"SYS_RAWIO", "it allows raw I/O ports and device memory"},
    {"SYS_BOOT", "it allows reboot and kexec"},
    {"MAC_ADMIN", "it allows changing the mandatory access control policy"},
    {"MAC_OVERRIDE", "it overrides mandatory access control"},
    {"BPF", "it allows loading BPF programs into the kernel"},
    {"PERFMON", "it allows performance monitoring of other processes and the kernel"},
    {"DAC_READ_SEARCH", "it allows open_by_handle_at, a known way out of containers"},
    {"SETFCAP", "it allows file capabilities, which would reach the workspace as privileged programs"},
    {"SETPCAP", "it allows changing the capability sets and securebits the sandbox relies on"},
    {"LINUX_IMMUTABLE", "it allows making workspace files immutable or append-only"},
    {"SYSLOG", "it exposes kernel addresses and the kernel log"},
    {"AUDIT_CONTROL", "it allows changing the kernel's audit rules"},
    {"CHECKPOINT_RESTORE", "it allows choosing pids and reading other processes' memory maps"},
};

std::string upper(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// "cap_net_raw" -> "NET_RAW".
std::string bare(std::string_view name) {
  std::string u = upper(name);
  if (u.rfind("CAP_", 0) == 0) u.erase(0, 4);
  return u;
}

}  // namespace

const std::vector<std::string>& capability_names() {
  static const std::vector<std::string> k_list(std::begin(k_names), std::end(k_names));
  return k_list;
}

int capability_number(std::string_view name) {
  std::string b = bare(name);
  const auto& names = capability_names();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == b) return static_cast<int>(i);
  }
  return -1;
}

CapabilityCheck check_capability(std::string_view name) {
  CapabilityCheck c;
  std::string b = bare(name);
  int n = capability_number(b);
  if (n < 0) {
    std::string hint = nearest(b, capability_names());
    c.error = "unknown capability '" + std::string(name) + "'";
    c.error += hint.empty() ? "; expected a name such as NET_BIND_SERVICE (see capabilities(7))"
                            : "; did you mean '" + hint + "'?";
    return c;
  }
  c.canonical = "CAP_" + b;
  for (const auto& d : k_dangerous) {
    if (b == d.name) {
      c.error = c.canonical + " may not be kept in the sandbox: " + d.why + "; remove it";
      return c;
    }
  }
  c.number = n;
  return c;
}

}  // namespace vg::config
