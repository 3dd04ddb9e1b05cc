#pragma once
// First steps of vg-guest as PID 1: the pseudo filesystems, the kernel
// modules listed in the initramfs, and the virtio-serial control port.

#include <string>

namespace vg::guest {

// Mount /proc, /sys, /dev (devtmpfs), /dev/pts, /tmp and /run; return "" or what failed.
std::string mount_basics();
// Load the modules named (one a line, in dependency order) in `order_file`
// from `dir`; return "" or the first module that failed to load.
std::string load_modules(const std::string& order_file, const std::string& dir);
// Wait up to `timeout_ms` for the virtio-serial port named `name` and open it;
// return the fd or -1.
int open_port(const std::string& name, int timeout_ms);
// Print `message` on the console (the kernel log tail the host shows on failure).
void console(const std::string& message);
// Power the VM off; never returns.
[[noreturn]] void power_off();

}  // namespace vg::guest
