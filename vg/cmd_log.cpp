// `vg log`: the audit log as a readable table (or JSON lines), optionally
// following new decisions as they are appended.
#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "config/exit_codes.hpp"
#include "config/result.hpp"
#include "router/audit.hpp"
#include "router/files.hpp"
#include "router/writable.hpp"
#include "vg/command.hpp"
#include "vg/context.hpp"

namespace vg {
namespace {

struct LogOptions {
  int count = 20;
  bool json = false;
  bool follow = false;
  std::string level;
};

struct Style {
  bool colour = false;
  const char* on(const char* code) const { return colour ? code : ""; }
  const char* off() const { return colour ? "\033[0m" : ""; }
};

const char* level_colour(config::Level l) {
  switch (l) {
    case config::Level::low: return "\033[32m";
    case config::Level::medium: return "\033[33m";
    case config::Level::high: return "\033[31m";
    case config::Level::critical: return "\033[1;31m";
  }
  return "";
}

const char* route_colour(const std::string& route) {
  if (route == "host") return "\033[36m";
  if (route == "sandbox") return "\033[34m";
  return "\033[1;35m";
}

// A command on one line, at most `max` characters.
std::string one_line(const std::string& s, std::size_t max) {
  std::string out;
  for (unsigned char c : s) {
    if (out.size() >= max) return out + "...";
    out += c == '\n' ? ' ' : (c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c));
  }
  return out;
}

void print_header(const Style& st) {
  std::printf("%s%-19s  %-7s  %-8s  %4s  %7s  %s%s\n", st.on("\033[1m"), "TIME (UTC)", "ROUTE", "LEVEL", "EXIT", "MS",
              "COMMAND", st.off());
}

// What a network record says, in the COMMAND column: "refused CONNECT
// evil.example:443 (not in allowed_hosts)  <- npm install".
std::string network_text(const router::AuditRecord& r) {
  std::string text = r.verdict;
  if (!r.method.empty()) text += " " + r.method;
  if (!r.host.empty()) text += " " + r.host + (r.port > 0 ? ":" + std::to_string(r.port) : "");
  if (!r.reason.empty()) text += " (" + r.reason + ")";
  return text + "  <- " + r.command;
}

// "[claude-code] " before an agent's tool call; "" for other records.
std::string agent_prefix(const router::AuditRecord& r) { return r.agent.empty() ? "" : "[" + r.agent + "] "; }

void print_row(const router::AuditRecord& r, const Style& st) {
  std::string time = r.time.substr(0, 19);
  if (time.size() > 10) time[10] = ' ';
  std::string route = r.route + (r.trusted ? "*" : "");
  bool network = r.event == "network";
  std::string exit = network ? "" : std::to_string(r.exit_code);
  std::string ms = network ? "" : std::to_string(static_cast<long>(r.duration_ms + 0.5));
  std::printf("%-19s  %s%-7s%s  %s%-8s%s  %4s  %7s  %s\n", time.c_str(), st.on(route_colour(r.route)), route.c_str(),
              st.off(), st.on(level_colour(r.level)), config::to_string(r.level), st.off(), exit.c_str(), ms.c_str(),
              one_line(network ? network_text(r) : agent_prefix(r) + r.command, 100).c_str());
}

bool wanted(const router::AuditRecord& r, const std::optional<config::Level>& min_level) {
  return !min_level || r.level >= *min_level;
}

// Print complete lines appended to `path` from `offset` on, forever; start
// again from the top when the file is rotated or replaced.
[[noreturn]] void follow(const std::string& path, std::size_t offset, ino_t inode,
                         const std::optional<config::Level>& min_level, bool json, const Style& st) {
  std::string pending;
  int line_no = 0;
  while (true) {
    struct stat s{};
    if (::stat(path.c_str(), &s) == 0) {
      if (s.st_ino != inode || static_cast<std::size_t>(s.st_size) < offset) {
        inode = s.st_ino;
        offset = 0;
        pending.clear();
      }
      if (static_cast<std::size_t>(s.st_size) > offset) {
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
          char buf[65536];
          ssize_t n;
          while ((n = ::pread(fd, buf, sizeof buf, static_cast<off_t>(offset))) > 0) {
            pending.append(buf, static_cast<std::size_t>(n));
            offset += static_cast<std::size_t>(n);
          }
          ::close(fd);
        }
        std::size_t nl;
        while ((nl = pending.find('\n')) != std::string::npos) {
          std::string line = pending.substr(0, nl);
          pending.erase(0, nl + 1);
          ++line_no;
          if (line.empty()) continue;
          auto r = router::parse_audit_line(line);
          if (!r) {
            std::fprintf(stderr, "vg: warning: %s: a new line is not a valid audit record (%s); skipped\n",
                         path.c_str(), r.error().message.c_str());
          } else if (wanted(*r, min_level)) {
            if (json) std::printf("%s\n", line.c_str());
            else print_row(*r, st);
          }
        }
        std::fflush(stdout);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

int show_log(Context& ctx, const LogOptions& o) {
  std::optional<config::Level> min_level;
  if (!o.level.empty()) {
    min_level = config::parse_level(o.level);
    if (!min_level) {
      throw Fatal(exit_code::k_usage, "--level '" + o.level + "' is not a level: low, medium, high, critical");
    }
  }
  if (o.count < 0) throw Fatal(exit_code::k_usage, "-n must be 0 (everything) or more");
  config::Config config = load_config_or_die(ctx);
  std::string path = router::audit_path(config);
  bool missing = false;
  auto text = router::read_file(path, missing);
  if (!text) throw Fatal(exit_code::k_internal, text.error().message);
  auto read = router::parse_audit(path, *text);
  for (const auto& w : read.warnings) std::fprintf(stderr, "vg: warning: %s\n", w.c_str());

  std::vector<std::size_t> shown;
  for (std::size_t i = 0; i < read.records.size(); ++i) {
    if (wanted(read.records[i], min_level)) shown.push_back(i);
  }
  if (o.count > 0 && shown.size() > static_cast<std::size_t>(o.count)) {
    shown.erase(shown.begin(), shown.end() - o.count);
  }
  const char* no_colour = std::getenv("NO_COLOR");
  Style st{::isatty(STDOUT_FILENO) == 1 && !(no_colour && *no_colour)};
  if (missing) {
    // "Nothing has run yet" only when something could have been recorded.
    std::string cannot = router::uncreatable_reason(path);
    if (!cannot.empty()) {
      throw Fatal(exit_code::k_internal, "there is no audit log at " + path + ", and vg cannot make one: " + cannot +
                                             "; runs are not being recorded (point audit.path at a writable place)");
    }
  }
  if (missing && !o.follow) {
    std::fprintf(stderr, "vg: the audit log %s is empty (nothing has run through vg yet)\n", path.c_str());
    return 0;
  }
  if (!o.json) print_header(st);
  for (std::size_t i : shown) {
    if (o.json) std::printf("%s\n", read.raw[i].c_str());
    else print_row(read.records[i], st);
  }
  std::fflush(stdout);
  if (o.follow) {
    struct stat s{};
    ino_t inode = ::stat(path.c_str(), &s) == 0 ? s.st_ino : 0;
    // Resume after the last complete line that was read.
    std::size_t offset = text->rfind('\n') == std::string::npos ? 0 : text->rfind('\n') + 1;
    follow(path, offset, inode, min_level, o.json, st);
  }
  return 0;
}

void register_log(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<LogOptions>();
  auto* log = app.add_subcommand("log", "Show the audit log: every decision vg made");
  log->add_option("-n", o->count, "Show the last N records (0: all; default 20)");
  log->add_flag("--json", o->json, "Print the records as JSON lines");
  log->add_flag("-f,--follow", o->follow, "Keep printing new records as they are appended");
  log->add_option("--level", o->level, "Only records at this level or above: low, medium, high, critical");
  log->callback([&ctx, o] { ctx.exit_code = show_log(ctx, *o); });
}

const CommandRegistration k_registration{"log", register_log};

}  // namespace
}  // namespace vg
