// Path classes (see targets.hpp). Lexical only: nothing is looked up on disk.
#include "risk/targets.hpp"

#include <string>

#include "risk/words.hpp"

namespace vg::risk {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Is `path` `dir` itself or below it?
bool under(std::string_view path, std::string_view dir) {
  return starts_with(path, dir) && (path.size() == dir.size() || path[dir.size()] == '/');
}

// `dir`, `dir/`, `dir/*`, `dir/.*`: the directory as a whole.
bool whole(std::string_view path, std::string_view dir) {
  if (!starts_with(path, dir)) return false;
  std::string_view rest = path.substr(dir.size());
  return rest.empty() || rest == "/" || rest == "/*" || rest == "/.*" || rest == "/**" || rest == "/{*,.*}";
}

bool is_glob_only(std::string_view s) { return s.find_first_not_of("*?/.") == std::string_view::npos; }

TargetClass in_home(std::string_view rest) {
  // `rest` follows the home directory: "" or "/..." .
  if (rest.empty() || rest == "/" || rest == "/*" || rest == "/.*" || is_glob_only(rest)) return TargetClass::home;
  std::string_view r = rest.substr(1);
  static const std::string_view k_secrets[] = {
      ".ssh", ".aws", ".gnupg", ".kube", ".docker", ".netrc", ".git-credentials", ".npmrc", ".pypirc", ".azure",
      ".password-store", ".config/gcloud", ".config/gh", ".local/share/keyrings", ".vault-token", ".pgpass",
      ".my.cnf", ".gem/credentials", ".cargo/credentials", ".cargo/credentials.toml", ".terraform.d",
      ".config/vg", ".local/state/vg", ".bash_history", ".zsh_history", ".python_history", ".mozilla",
      ".config/google-chrome", ".config/chromium", ".thunderbird"};
  static const std::string_view k_startup[] = {
      ".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile", ".zshrc", ".zshenv", ".zprofile",
      ".zlogin", ".config/fish", ".cshrc", ".tcshrc", ".kshrc", ".inputrc", ".xinitrc", ".xprofile",
      ".xsession", ".config/autostart", ".config/systemd", ".config/environment.d", ".gitconfig",
      ".config/git", ".vimrc", ".config/nvim", ".emacs", ".emacs.d", ".tmux.conf", ".screenrc", ".pam_environment",
      ".local/bin", "bin", ".ssh/rc", ".claude", ".codex", ".cursor", ".gemini", ".vscode", ".envrc", ".direnvrc"};
  static const std::string_view k_caches[] = {
      ".cache", ".npm/_cacache", ".npm/_logs", ".yarn/cache", ".pnpm-store", ".local/share/pnpm/store", ".m2/repository",
      ".gradle/caches", ".gradle/wrapper/dists", "go/pkg/mod", ".cargo/registry", ".cargo/git", ".rustup/tmp",
      ".local/share/Trash", ".bun/install/cache", ".deno", ".nuget/packages", ".ivy2/cache", ".sbt/boot",
      ".composer/cache", ".pub-cache", ".cpanm", ".ccache", ".node-gyp", ".electron", ".thumbnails"};
  for (auto s : k_secrets)
    if (under(r, s)) return TargetClass::home_secret;
  for (auto s : k_caches)
    if (under(r, s) && r.size() > s.size()) return TargetClass::home_cache;
  for (auto s : k_caches)
    if (r == s) return TargetClass::home_cache;
  for (auto s : k_startup)
    if (under(r, s)) return TargetClass::home_startup;
  if (r[0] == '*' || r[0] == '.') {
    // ~/.* or ~/.[a-z]* and friends: every dotfile, secrets included.
    if (r.find('/') == std::string_view::npos && r.find_first_of("*?[") != std::string_view::npos)
      return TargetClass::home_secret;
  }
  return TargetClass::home_other;
}

bool harmless_device(std::string_view p) {
  static const std::string_view k_names[] = {"/dev/null", "/dev/zero", "/dev/stdout", "/dev/stderr", "/dev/stdin",
                                             "/dev/tty", "/dev/random", "/dev/urandom", "/dev/full", "/dev/ptmx"};
  for (auto n : k_names)
    if (p == n) return true;
  return under(p, "/dev/fd") || under(p, "/dev/pts");
}

bool disk_device(std::string_view p) {
  std::string_view n = p.substr(5);  // after "/dev/"
  static const std::string_view k_prefixes[] = {"sd", "hd", "vd", "xvd", "nvme", "mmcblk", "md", "dm-", "loop",
                                                "sr", "nbd", "disk/", "mapper/", "mem", "kmem", "port", "root",
                                                "zram", "rbd", "ram", "fd0", "cdrom", "vg", "bcache", "ubi", "mtd"};
  for (auto pre : k_prefixes)
    if (starts_with(n, pre)) return true;
  return false;
}

}  // namespace

// A path with a part only known at run time (`/home/$USER`, `/etc/$X`,
// `$HOME/$DIR`): the class of what is known before it, when that already
// decides (a system tree, a user's home), else unknown.
TargetClass partly_known(std::string_view raw) {
  auto cut = raw.find_first_of("$`");
  if (cut == std::string_view::npos || cut == 0 || raw[0] != '/') return TargetClass::unknown;
  std::string_view known = raw.substr(0, cut);
  std::string_view rest = raw.substr(cut);
  if (known == "/home/" || known == "/Users/") {
    // /home/$USER: a whole home, unless more path follows the name.
    auto slash = rest.find('/');
    bool whole_home = slash == std::string_view::npos || rest.substr(slash) == "/" || rest.substr(slash) == "/*";
    return whole_home ? TargetClass::home : TargetClass::home_other;
  }
  auto last = known.rfind('/');
  std::string dir(known.substr(0, last == 0 ? 1 : last));
  TargetClass c = classify_target(dir, true);
  if (c == TargetClass::system || c == TargetClass::system_data || c == TargetClass::kernel ||
      c == TargetClass::device_disk || c == TargetClass::home_secret || c == TargetClass::home_startup ||
      c == TargetClass::temp)
    return c;
  if (c == TargetClass::home) return TargetClass::home_other;
  if (c == TargetClass::temp_all) return TargetClass::temp;
  return TargetClass::unknown;
}

TargetClass classify_target(std::string_view raw, bool resolved, bool remote_syntax) {
  if (raw.empty()) return TargetClass::unknown;
  if (starts_with(raw, "$HOME") || starts_with(raw, "${HOME}")) {
    std::string_view after = raw.substr(raw[1] == '{' ? 7 : 5);
    if (!after.empty() && after[0] != '/') return TargetClass::unknown;  // $HOMEDIR is another variable
    auto var = after.find_first_of("$`");
    if (var == std::string_view::npos) {
      std::string path = normalize_path(std::string("$HOME") + std::string(after));
      return in_home(std::string_view(path).substr(5));
    }
    std::string_view known = after.substr(0, var);
    if (known == "/" || known.empty()) return TargetClass::home_other;  // $HOME/$X: some subtree of the home
    TargetClass c = in_home(known.substr(0, known.rfind('/')));
    return c == TargetClass::home ? TargetClass::home_other : c;
  }
  if (!resolved || raw.find_first_of("$`") != std::string_view::npos) return partly_known(raw);
  if (raw.find("://") != std::string_view::npos) return TargetClass::remote;
  if (remote_syntax && raw[0] != '/' && raw[0] != '.') {
    auto colon = raw.find(':');
    auto slash = raw.find('/');
    if (colon != std::string_view::npos && colon > 0 && (slash == std::string_view::npos || colon < slash))
      return TargetClass::remote;
  }
  if (raw[0] == '~') {
    // Only a word the shell expanded reaches here as $HOME; ~user is another user's home.
    if (raw.size() > 1 && raw[1] != '/') {
      auto slash = raw.find('/');
      return in_home(slash == std::string_view::npos ? std::string_view() : raw.substr(slash));
    }
    return TargetClass::workspace;  // a directory named ~, quoted or given without a shell
  }
  std::string path = normalize_path(raw);
  std::string_view p = path;
  if (p[0] != '/') {
    if (p == "." || p == "*" || p == ".*" || p == "./*" || p == "**" || is_glob_only(p)) {
      if (starts_with(p, "..")) return TargetClass::outside;
      return TargetClass::workspace_all;
    }
    if (p == ".." || starts_with(p, "../")) return TargetClass::outside;
    return TargetClass::workspace;
  }
  if (p == "/" || is_glob_only(p)) return TargetClass::root;
  if (under(p, "/dev")) {
    if (p == "/dev" || p == "/dev/*") return TargetClass::device_disk;
    if (under(p, "/dev/shm")) return p == "/dev/shm" || whole(p, "/dev/shm") ? TargetClass::temp_all : TargetClass::temp;
    if (harmless_device(p)) return TargetClass::device_harmless;
    return disk_device(p) ? TargetClass::device_disk : TargetClass::device;
  }
  if (under(p, "/proc/sys") || under(p, "/sys") || p == "/proc/sysrq-trigger") return TargetClass::kernel;
  if (under(p, "/proc")) return TargetClass::kernel;
  for (auto t : {"/tmp", "/var/tmp"}) {
    if (whole(p, t)) return TargetClass::temp_all;
    if (under(p, t)) return TargetClass::temp;
  }
  if (whole(p, "/root") || whole(p, "/home") || whole(p, "/Users")) return TargetClass::home;
  if (under(p, "/root")) return in_home(p.substr(5));
  if (under(p, "/home") || under(p, "/Users")) {
    std::string_view rest = p.substr(p[1] == 'h' ? 6 : 7);  // NAME[/...]
    auto slash = rest.find('/');
    return in_home(slash == std::string_view::npos ? std::string_view() : rest.substr(slash));
  }
  static const std::string_view k_data[] = {"/usr/local", "/var", "/opt", "/srv", "/mnt", "/media", "/snap", "/run",
                                            "/nix", "/lost+found"};
  for (auto d : k_data)
    if (under(p, d)) return TargetClass::system_data;
  static const std::string_view k_system[] = {"/etc", "/usr", "/boot", "/bin", "/sbin", "/lib", "/lib32", "/lib64",
                                              "/libx32", "/efi"};
  for (auto d : k_system)
    if (under(p, d)) return TargetClass::system;
  auto second = p.find('/', 1);
  if (second == std::string_view::npos || whole(p, p.substr(0, second))) return TargetClass::elsewhere_top;
  return TargetClass::elsewhere;
}

const char* to_string(TargetClass c) {
  switch (c) {
    case TargetClass::root: return "the root";
    case TargetClass::system: return "system tree";
    case TargetClass::system_data: return "system data";
    case TargetClass::kernel: return "kernel interface";
    case TargetClass::device_disk: return "disk or memory device";
    case TargetClass::device: return "device";
    case TargetClass::device_harmless: return "harmless device";
    case TargetClass::home: return "whole home";
    case TargetClass::home_secret: return "home subtree (secrets)";
    case TargetClass::home_startup: return "home subtree (start-up files)";
    case TargetClass::home_cache: return "home cache";
    case TargetClass::home_other: return "home subtree";
    case TargetClass::workspace: return "workspace";
    case TargetClass::workspace_all: return "whole workspace";
    case TargetClass::outside: return "outside the workspace";
    case TargetClass::elsewhere_top: return "top-level directory";
    case TargetClass::elsewhere: return "other absolute path";
    case TargetClass::temp_all: return "whole temporary directory";
    case TargetClass::temp: return "temporary path";
    case TargetClass::remote: return "another machine";
    case TargetClass::unknown: return "unknown";
  }
  return "?";
}

}  // namespace vg::risk
