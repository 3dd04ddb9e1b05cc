#pragma once
// A minimal QMP (QEMU Machine Protocol) client for template snapshots and
// clones: one command at a time over the VM's QMP unix socket, with an
// optional file descriptor attached (`getfd`), and the few reply fields vg
// reads pulled out of the JSON text.

#include <string>

#include "config/result.hpp"
#include "sandbox/microvm/qemu.hpp"

namespace vg::sandbox::microvm {

// One QMP connection, past the greeting and `qmp_capabilities`.
class Qmp {
 public:
  // Connect to `vm`'s QMP socket within `timeout_ms`.
  static Result<Qmp> connect(const Vm& vm, int timeout_ms);
  Qmp(Qmp&& other) noexcept;
  Qmp& operator=(Qmp&&) = delete;
  Qmp(const Qmp&) = delete;
  ~Qmp();
  // Run `command` with `arguments` (a JSON object text, or ""), `fd`
  // attached when >= 0; the reply's "return" text, or an Error carrying
  // QEMU's error description.
  Result<std::string> execute(const std::string& command, const std::string& arguments = "", int fd = -1);

 private:
  explicit Qmp(int fd) : m_fd(fd) {}
  Result<std::string> read_reply();
  int m_fd;
  int m_timeout_ms = 10000;
  std::string m_buffer;
};

// The string value of `"key": "value"` in the JSON text `json` ("" when absent).
std::string json_string_field(const std::string& json, const std::string& key);

}  // namespace vg::sandbox::microvm
