#pragma once
// Linux capabilities by name, for `sandbox.isolation.capabilities`: which
// names exist, and which may never be kept because they would let the
// command undo the sandbox.

#include <string>
#include <string_view>
#include <vector>

namespace vg::config {

// A capability name read from a config file, checked.
struct CapabilityCheck {
  int number = -1;        // the kernel's number (CAP_NET_BIND_SERVICE = 10); -1 when refused
  std::string canonical;  // "CAP_NET_BIND_SERVICE"
  std::string error;      // why `name` is refused ("" when accepted), without the key
};

// Check `name` ("NET_BIND_SERVICE", "CAP_NET_BIND_SERVICE", any case):
// unknown names get a did-you-mean, dangerous ones the reason.
CapabilityCheck check_capability(std::string_view name);

// Return the kernel's number of capability `name` (as check_capability
// accepts it, dangerous or not), or -1 when there is no such capability.
int capability_number(std::string_view name);

// Return the names of all capabilities this build knows, without "CAP_".
const std::vector<std::string>& capability_names();

}  // namespace vg::config
