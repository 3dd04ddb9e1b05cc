#include "router/audit.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>

#include "config/json.hpp"
#include "config/load.hpp"
#include "router/files.hpp"
#include "router/json_read.hpp"

namespace vg::router {
namespace {

std::string sys_error(const char* call, const std::string& path) {
  return std::string(call) + "(\"" + path + "\"): " + std::strerror(errno);
}

Result<void> rotate(const std::string& path, int keep) {
  if (keep < 1) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return make_error(sys_error("unlink", path));
    return {};
  }
  std::string oldest = path + "." + std::to_string(keep);
  ::unlink(oldest.c_str());
  for (int i = keep - 1; i >= 1; --i) {
    std::string from = path + "." + std::to_string(i);
    std::string to = path + "." + std::to_string(i + 1);
    if (::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT) return make_error(sys_error("rename", from));
  }
  if (::rename(path.c_str(), (path + ".1").c_str()) != 0 && errno != ENOENT) {
    return make_error(sys_error("rename", path));
  }
  return {};
}

}  // namespace

std::string audit_path(const config::Config& config) {
  if (!config.audit.path.empty()) return config.audit.path;
  return config::dirs().state + "/audit.jsonl";
}

std::string to_json_line(const AuditRecord& r) {
  JsonWriter w;
  w.begin_object();
  w.key("time").value(r.time);
  w.key("user").value(r.user);
  w.key("uid").value(static_cast<std::uint64_t>(r.uid));
  w.key("cwd").value(r.cwd);
  w.key("command").value(r.command);
  w.key("level").value(config::to_string(r.level));
  w.key("findings").begin_array();
  for (const auto& [rule, level] : r.findings) {
    w.begin_object().key("rule").value(rule).key("level").value(config::to_string(level)).end_object();
  }
  w.end_array();
  w.key("understood").value(r.understood);
  w.key("route").value(r.route);
  w.key("backend").value(r.backend);
  w.key("reason").value(r.reason);
  w.key("trusted").value(r.trusted);
  w.key("asked").value(r.asked);
  w.key("cache_hit").value(r.cache_hit);
  if (!r.cache_not_stored.empty()) w.key("cache_not_stored").value(r.cache_not_stored);
  w.key("exit_code").value(r.exit_code);
  // Whole milliseconds: the log is for people and scripts, not profiling.
  w.key("duration_ms").value(static_cast<std::int64_t>(std::llround(r.duration_ms)));
  if (!r.agent.empty()) {
    w.key("agent").value(r.agent).key("session").value(r.session).key("tool_use").value(r.tool_use);
  }
  w.end_object();
  return w.str() + "\n";
}

Result<void> append_line(const std::string& path, const std::string& line, std::uint64_t max_size, int keep) {
  auto lock = FileLock::acquire(path + ".lock");
  if (!lock) return lock.error();
  int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(sys_error("open", path));
  struct stat st{};
  if (::fstat(fd, &st) != 0) {
    auto e = make_error(sys_error("fstat", path));
    ::close(fd);
    return e;
  }
  if (max_size > 0 && st.st_size > 0 && static_cast<std::uint64_t>(st.st_size) + line.size() > max_size) {
    ::close(fd);
    if (auto r = rotate(path, keep); !r) return r;
    fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return make_error(sys_error("open", path));
    st.st_size = 0;
  }
  std::string data;
  if (st.st_size > 0) {
    char last = '\n';
    if (::pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n') data = "\n";
  }
  data += line;
  bool ok = write_all(fd, data);
  auto e = ok ? Result<void>() : make_error(sys_error("write", path));
  ::close(fd);
  return e;
}

Result<void> check_appendable(const std::string& path) {
  auto lock = FileLock::acquire(path + ".lock");
  if (!lock) return lock.error();
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(sys_error("open", path));
  ::close(fd);
  return {};
}

Result<AuditRecord> parse_audit_line(const std::string& line) {
  auto parsed = parse_json(line);
  if (!parsed) return parsed.error();
  const Json& j = *parsed;
  if (!j.is_object()) return make_error("not a JSON object");
  AuditRecord r;
  const Json* time = j.get("time");
  const Json* command = j.get("command");
  const Json* route = j.get("route");
  if (!time || !time->is_string()) return make_error("no \"time\"");
  if (!command || !command->is_string()) return make_error("no \"command\"");
  if (!route || !route->is_string()) return make_error("no \"route\"");
  r.time = time->string;
  r.command = command->string;
  r.route = route->string;
  r.user = j.get_string("user");
  r.cwd = j.get_string("cwd");
  r.backend = j.get_string("backend");
  r.reason = j.get_string("reason");
  auto level = config::parse_level(j.get_string("level"));
  if (!level) return make_error("bad \"level\"");
  r.level = *level;
  if (const Json* f = j.get("findings"); f && f->is_array()) {
    for (const auto& item : f->items) {
      auto l = config::parse_level(item.get_string("level"));
      r.findings.emplace_back(item.get_string("rule"), l.value_or(config::Level::low));
    }
  }
  auto flag = [&](const char* key) {
    const Json* v = j.get(key);
    return v && v->is_bool() && v->boolean;
  };
  r.understood = flag("understood");
  r.trusted = flag("trusted");
  r.asked = flag("asked");
  r.cache_hit = flag("cache_hit");
  r.cache_not_stored = j.get_string("cache_not_stored");
  if (const Json* v = j.get("exit_code"); v && v->is_number()) r.exit_code = static_cast<int>(v->number);
  if (const Json* v = j.get("duration_ms"); v && v->is_number()) r.duration_ms = v->number;
  if (const Json* v = j.get("uid"); v && v->is_number()) r.uid = static_cast<std::uint32_t>(v->number);
  r.event = j.get_string("event");
  r.verdict = j.get_string("verdict");
  r.method = j.get_string("method");
  r.host = j.get_string("host");
  if (const Json* v = j.get("port"); v && v->is_number()) r.port = static_cast<int>(v->number);
  r.agent = j.get_string("agent");
  r.session = j.get_string("session");
  r.tool_use = j.get_string("tool_use");
  return r;
}

AuditRead parse_audit(const std::string& path, const std::string& text) {
  AuditRead out;
  std::size_t pos = 0;
  int number = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    ++number;
    if (line.empty()) continue;
    auto r = parse_audit_line(line);
    if (!r) {
      out.warnings.push_back(path + ":" + std::to_string(number) + ": not a valid audit record (" +
                             r.error().message + "); skipped");
      continue;
    }
    out.records.push_back(std::move(r).value());
    out.raw.push_back(std::move(line));
  }
  return out;
}

}  // namespace vg::router
