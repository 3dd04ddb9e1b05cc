#include "sandbox/mock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "config/fd_io.hpp"

#include "config/json.hpp"

namespace vg::sandbox {
namespace {

class MockLauncher final : public Launcher {
 public:
  explicit MockLauncher(config::Mock mock) : m_mock(std::move(mock)) {}
  const char* name() const override { return "mock"; }

  Result<Outcome> run(const Spec& spec) override {
    if (!m_mock.record_path.empty()) {
      if (auto r = record(spec); !r) return r.error();
    }
    if (m_mock.fail_start) {
      return make_error("mock sandbox: configured to fail at start (mock.fail_start: true)");
    }
    write_all(STDOUT_FILENO, m_mock.stdout_text);
    write_all(STDERR_FILENO, m_mock.stderr_text);
    Outcome outcome;
    outcome.exit_code = m_mock.exit_code;
    return outcome;
  }

 private:
  // One line per run; the lock keeps lines from concurrent runs whole.
  Result<void> record(const Spec& spec) {
    int fd = ::open(m_mock.record_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      return make_error("mock sandbox: open(\"" + m_mock.record_path + "\"): " + std::strerror(errno));
    }
    std::string line = spec_to_json(spec) + "\n";
    ::flock(fd, LOCK_EX);
    bool ok = write_all(fd, line);
    int saved = errno;
    ::flock(fd, LOCK_UN);
    ::close(fd);
    if (!ok) return make_error("mock sandbox: write(\"" + m_mock.record_path + "\"): " + std::strerror(saved));
    return {};
  }

  config::Mock m_mock;
};

}  // namespace

std::string spec_to_json(const Spec& spec) {
  JsonWriter w;
  w.begin_object();
  w.key("argv").begin_array();
  for (const auto& a : spec.argv) w.value(a);
  w.end_array();
  // Only the names of the environment: values may hold secrets.
  w.key("env_names").begin_array();
  for (const auto& e : spec.env) w.value(std::string_view(e).substr(0, e.find('=')));
  w.end_array();
  w.key("cwd").value(spec.cwd);
  w.key("workspace").value(spec.workspace);
  w.key("dry_run_writes").value(spec.dry_run_writes);
  w.key("network").value(config::to_string(spec.profile.network.mode));
  w.key("runtime").value(spec.profile.runtime);
  w.end_object();
  return w.str();
}

std::unique_ptr<Launcher> make_mock_launcher(const config::Mock& mock) {
  return std::make_unique<MockLauncher>(mock);
}

}  // namespace vg::sandbox
