#pragma once
// Confining QEMU before it starts: a user namespace (vg's uid becomes root
// there, with no privilege over the host) and a mount namespace whose root
// is an empty tmpfs holding only what QEMU serves: /usr (its binary, libraries
// and firmware), the guest assets, the VM's run directory and the workspace,
// read-only, plus /proc (QEMU's 9p server needs /proc/self/fd). Secrets in
// the workspace (`.env*`, `exclude`) are covered by empty files there. QEMU's
// 9p server has a history of path escapes; an escape here finds nothing else.

#include <string>
#include <vector>

#include "sandbox/microvm/hide.hpp"

namespace vg::sandbox::microvm {

// What the confined QEMU may see.
struct ConfineSpec {
  std::string new_root;                 // an empty directory to build the root in
  std::vector<std::string> read_only;   // host paths bound read-only at the same path
  std::vector<std::string> read_write;  // host paths bound read-write at the same path
  std::vector<std::string> devices;     // device nodes bound at the same path (/dev/null, /dev/kvm)
  HiddenPaths hidden;                   // paths under read_only covered by an empty file or directory
};

// Enter the namespaces and switch to the new root. Call in the forked child
// just before exec; return "" or what failed (the call and the path).
std::string confine(const ConfineSpec& spec);

}  // namespace vg::sandbox::microvm
