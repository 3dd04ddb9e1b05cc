#pragma once
// Spawning the driver under test with pipes or a pty, with timeouts.

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace vg::microvm_test {

// A running child with its stdout / stderr (or pty) read as they come.
class Child {
 public:
  // Start `argv` with `env` added to the environment; on a pty of
  // `rows` x `cols` when `pty`.
  Child(const std::vector<std::string>& argv, const std::vector<std::string>& env, bool pty = false, int rows = 24,
        int cols = 80);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return m_pid; }
  // Read output until `needle` appears on stdout (or the pty) or `timeout` passes.
  bool wait_for(const std::string& needle, std::chrono::milliseconds timeout);
  // Write to the child's stdin (or the pty).
  void write_input(const std::string& text);
  // Close the child's stdin.
  void close_input();
  // Read output for up to `period`; false once the child has exited (wait()
  // then returns its code at once).
  bool running(std::chrono::milliseconds period);
  // Wait for the exit up to `timeout`; return the exit code (128+N for a
  // signal), or -1 on timeout (the child is then killed).
  int wait(std::chrono::milliseconds timeout);

  std::string out;  // stdout, or everything from the pty
  std::string err;
  // When each stdout chunk arrived, relative to the start.
  std::vector<std::pair<double, std::string>> out_chunks;

 private:
  void pump(int timeout_ms);
  pid_t m_pid = -1;
  int m_in = -1, m_out = -1, m_err = -1;
  bool m_pty = false;
  int m_status = -1;
  bool m_exited = false;
  std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
};

}  // namespace vg::microvm_test
