// `vg connect HARNESS [--project|--user] [--dry-run] [--uninstall]`: merge
// vg's pre-tool hook into an AI coding agent's settings (agents/settings.hpp),
// keeping a backup of the file it changes; `vg connect --status`: what is
// connected, checked by a real round trip through each hook.
#include <CLI/CLI.hpp>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "agents/diff.hpp"
#include "agents/settings.hpp"
#include "agents/status.hpp"
#include "config/exit_codes.hpp"
#include "config/result.hpp"
#include "vg/command.hpp"
#include "vg/context.hpp"
#include "vg/process_info.hpp"

namespace vg {
namespace {

struct ConnectOptions {
  std::string harness;
  bool project = false;
  bool user = false;
  bool dry_run = false;
  bool uninstall = false;
  bool status = false;
};

std::string sys_error(const char* call, const std::string& path) {
  return std::string(call) + "(\"" + path + "\"): " + std::strerror(errno);
}

agents::Places places() {
  agents::Places p;
  const char* home = std::getenv("HOME");
  p.home = home && *home ? home : "/";
  const char* codex = std::getenv("CODEX_HOME");
  p.codex_home = codex && *codex ? codex : "";
  p.project = agents::project_root(current_dir());
  return p;
}

std::string self_path() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) throw Fatal(exit_code::k_internal, sys_error("readlink", "/proc/self/exe"));
  return std::string(buf, static_cast<std::size_t>(n));
}

// The file's text; "" and `exists` false when there is none.
std::string read_settings(const std::string& path, bool& exists) {
  std::ifstream in(path, std::ios::binary);
  exists = static_cast<bool>(in);
  if (!exists) {
    if (errno != ENOENT) throw Fatal(exit_code::k_internal, sys_error("open", path));
    return "";
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void make_parents(const std::string& path) {
  for (std::size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    std::string dir = path.substr(0, slash);
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) throw Fatal(exit_code::k_internal, sys_error("mkdir", dir));
  }
}

// Write `text` to `path` through a temporary file and a rename (a reader
// never sees half a file), with the mode the file had.
void write_settings(const std::string& path, const std::string& text, mode_t mode) {
  make_parents(path);
  std::string tmp = path + ".vg-tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) throw Fatal(exit_code::k_internal, sys_error("open", tmp));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::fchmod(fd, mode);
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string e = sys_error(ok ? "rename" : "write", ok ? path : tmp);
    ::unlink(tmp.c_str());
    throw Fatal(exit_code::k_internal, e);
  }
}

// Copy the file as it was next to it: PATH.vg-backup-YYYYmmddTHHMMSS.
std::string back_up(const std::string& path, const std::string& text, mode_t mode) {
  char stamp[32];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &tm);
  std::string backup = path + ".vg-backup-" + stamp;
  for (int i = 1; ::access(backup.c_str(), F_OK) == 0; ++i) {
    backup = path + ".vg-backup-" + stamp + "-" + std::to_string(i);
  }
  write_settings(backup, text, mode);
  return backup;
}

// The texts of PATH.vg-backup-*, newest first (their names sort by time).
std::vector<std::string> backups_of(const std::string& path) {
  std::string dir = path.substr(0, path.rfind('/'));
  std::string prefix = path.substr(path.rfind('/') + 1) + ".vg-backup-";
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      if (std::string(e->d_name).rfind(prefix, 0) == 0) names.push_back(e->d_name);
    }
    ::closedir(d);
  }
  std::sort(names.rbegin(), names.rend());
  std::vector<std::string> texts;
  for (const auto& name : names) {
    bool exists = false;
    texts.push_back(read_settings(dir + "/" + name, exists));
  }
  return texts;
}

// What to tell the user after connecting `h`.
const char* after_note(agents::Harness h) {
  switch (h) {
    case agents::Harness::claude_code: return "restart Claude Code (or open /hooks) to load it";
    case agents::Harness::codex:
      return "Codex asks you to review and trust a new hook before it runs it; Codex cannot rewrite a command, so "
             "vg tells the agent the 'vg exec --sandbox' command to run instead";
    case agents::Harness::gemini: return "restart Gemini CLI to load it ('/hooks' lists it)";
    case agents::Harness::cursor:
      return "Cursor cannot rewrite a command, so vg tells the agent the 'vg exec --sandbox' command to run instead";
  }
  return "";
}

int show_status() {
  auto connections = agents::connection_status(places(), true);
  if (connections.empty()) {
    std::printf("vg is not connected to any coding agent; 'vg connect claude-code' (or codex, gemini, cursor) does it\n");
    return 0;
  }
  int status = 0;
  for (const auto& c : connections) {
    std::printf("%-12s %-8s %s\n  hook: %s\n  round trip: %s (%s, %.1f ms)\n", agents::to_string(c.harness),
                agents::to_string(c.scope), c.path.c_str(), c.command.c_str(), c.answered ? "ok" : "FAILED",
                c.detail.c_str(), c.ms);
    if (!c.answered) status = 1;
  }
  return status;
}

int connect(const ConnectOptions& o) {
  if (o.status) {
    if (!o.harness.empty() || o.dry_run || o.uninstall) {
      throw Fatal(exit_code::k_usage, "--status takes no harness and no other option");
    }
    return show_status();
  }
  auto h = agents::parse_harness(o.harness);
  if (!h) {
    throw Fatal(exit_code::k_usage, (o.harness.empty() ? std::string("which agent? ") : "unknown agent '" + o.harness + "'; ") +
                                        "use claude-code, codex, gemini or cursor (or --status)");
  }
  if (o.project && o.user) throw Fatal(exit_code::k_usage, "--project and --user contradict each other");
  auto scope = o.project ? agents::Scope::project : agents::Scope::user;
  std::string path = agents::settings_path(*h, scope, places());
  bool exists = false;
  std::string before = read_settings(path, exists);
  auto edit = o.uninstall ? agents::disconnect_settings(*h, before)
                          : agents::connect_settings(*h, before, agents::hook_command(*h, self_path()));
  if (!edit) throw Fatal(exit_code::k_config, path + ": " + edit.error().message);
  if (o.uninstall && !edit->remove) edit->text = agents::as_written_before(edit->text, backups_of(path));
  if (!edit->changed) {
    std::printf("%s: %s\n", path.c_str(),
                o.uninstall ? "has no vg hook; nothing to remove" : "vg's hook is already there; nothing to change");
    return 0;
  }
  if (o.dry_run) {
    std::fputs(agents::unified_diff(before, edit->text, path).c_str(), stdout);
    if (edit->remove) std::printf("(the file would hold nothing else and would be removed)\n");
    return 0;
  }
  struct stat st{};
  mode_t mode = exists && ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
  std::string backup = exists ? back_up(path, before, mode) : "";
  if (edit->remove) {
    if (::unlink(path.c_str()) != 0) throw Fatal(exit_code::k_internal, sys_error("unlink", path));
  } else {
    write_settings(path, edit->text, mode);
  }
  std::printf("%s: %s%s\n", path.c_str(),
              o.uninstall ? (edit->remove ? "vg's hook removed, and the file with it (nothing else was in it)"
                                          : "vg's hook removed")
                          : "vg's hook added",
              backup.empty() ? "" : (" (the previous file is " + backup + ")").c_str());
  if (!o.uninstall) std::printf("vg: %s\n", after_note(*h));
  return 0;
}

void register_connect(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ConnectOptions>();
  auto* cmd = app.add_subcommand("connect", "Put vg in front of an AI coding agent's shell commands (its pre-tool hook)");
  cmd->footer("Usage: vg connect claude-code|codex|gemini|cursor [--project|--user] [--dry-run] [--uninstall]\n"
              "       vg connect --status");
  cmd->add_option("agent", o->harness, "claude-code, codex, gemini or cursor");
  cmd->add_flag("--project", o->project, "This project's settings (the nearest directory holding .git)");
  cmd->add_flag("--user", o->user, "Your own settings, for every project (the default)");
  cmd->add_flag("--dry-run", o->dry_run, "Print the change as a diff; change nothing");
  cmd->add_flag("--uninstall", o->uninstall, "Remove vg's hook, and only it");
  cmd->add_flag("--status", o->status, "List the connected agents and check each hook with a real round trip");
  cmd->callback([&ctx, o] { ctx.exit_code = connect(*o); });
}

const CommandRegistration k_registration{"connect", register_connect};

}  // namespace
}  // namespace vg
