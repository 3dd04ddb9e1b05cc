#pragma once
// The pool's socket protocol: one tab-separated request line, answered by
// lines; a handed-over guest's control socket travels with SCM_RIGHTS.

#include <string>
#include <vector>

namespace vg::sandbox::microvm::wire {

// Connect to the unix socket `path`; -1 when nothing listens.
int connect_unix(const std::string& path);
// Send `line` (a newline is appended) with `fd` attached when >= 0.
bool send_line(int sock, const std::string& line, int fd = -1);
// Read one line (without the newline) within `timeout_ms`; `fd` receives an
// attached descriptor (-1 when none). False on EOF, error or timeout.
bool read_line(int sock, std::string& line, int timeout_ms, int* fd = nullptr);
// Split `line` at tabs.
std::vector<std::string> fields(const std::string& line);

}  // namespace vg::sandbox::microvm::wire
