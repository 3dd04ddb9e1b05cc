// Wrapper, shell and interpreter tables (see unwrap.hpp).
#include "risk/unwrap.hpp"

#include <algorithm>
#include <map>

namespace vg::risk {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

const std::map<std::string_view, WrapperSpec, std::less<>>& wrappers() {
  static const std::map<std::string_view, WrapperSpec, std::less<>> k_wrappers = {
      {"sudo", {"ughpCDrtUTR", {"--user", "--group", "--host", "--prompt", "--close-from", "--chdir", "--role",
                                 "--type", "--other-user", "--command-timeout"}, 0}},
      {"doas", {"uC", {}, 0}},
      {"pkexec", {"", {"--user"}, 0}},
      {"command", {"", {}, 0}},
      {"builtin", {"", {}, 0}},
      {"exec", {"a", {}, 0}},
      {"nice", {"n", {"--adjustment"}, 0}},
      {"ionice", {"cnpPu", {"--class", "--classdata", "--pid", "--pgid", "--uid"}, 0}},
      {"nohup", {"", {}, 0}},
      {"setsid", {"", {}, 0}},
      {"stdbuf", {"ioe", {"--input", "--output", "--error"}, 0}},
      {"time", {"fo", {"--format", "--output"}, 0}},
      {"timeout", {"sk", {"--signal", "--kill-after"}, 1}},
      {"chroot", {"", {"--userspec", "--groups"}, 1}},
      {"taskset", {"", {}, 1}},
      {"chrt", {"T", {}, 1}},
      {"unbuffer", {"", {}, 0}},
      {"caffeinate", {"tw", {}, 0}},
      {"fakeroot", {"lsi", {"--lib", "--faked"}, 0}},
      {"proxychains", {"fq", {}, 0}},
      {"proxychains4", {"fq", {}, 0}},
      {"torsocks", {"aiuP", {}, 0}},
      {"tsocks", {"", {}, 0}},
      {"catchsegv", {"", {}, 0}},
      {"xvfb-run", {"nsfepw", {"--server-num", "--server-args", "--auth-file", "--error-file"}, 0}},
      {"dbus-launch", {"", {}, 0}},
      {"strace", {"eoOpPsSuEIbXa", {}, 0}},
      {"ltrace", {"eonpsSuAabX", {}, 0}},
      {"valgrind", {"", {}, 0}},
      {"firejail", {"", {}, 0}},
      {"unshare", {"", {}, 0}},
      {"nsenter", {"tSGmuinpUCrw", {"--target"}, 0}},
      {"runuser", {"ugG", {"--user", "--group"}, 0}},
      {"systemd-run", {"pMEu", {"--property", "--unit", "--machine", "--setenv", "--description"}, 0}},
      {"numactl", {"CNmlpi", {}, 0}},
      {"busybox", {"", {}, 0}},
      {"flatpak-spawn", {"", {}, 0}},
      {"nix-shell", {"p", {"--packages"}, 0}},
      {"unbuffer", {"", {}, 0}},
      {"faketime", {"f", {}, 1}},
      {"ssh-agent", {"aEP", {}, 0}},
      {"sem", {"j", {}, 0}},
      {"retry", {"tm", {"--times", "--delay"}, 0}},
      {"entr", {"", {}, 0}},
  };
  return k_wrappers;
}

}  // namespace

Runs classify(std::string_view base) {
  static const std::string_view k_shells[] = {"sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "yash",
                                              "rbash", "fish", "tcsh", "csh", "pwsh", "powershell"};
  static const std::string_view k_special[] = {"env", "su", "sg", "script", "watch", "xargs", "parallel", "find",
                                               "ssh", "mosh", "docker", "podman", "nerdctl", "kubectl", "oc", "eval",
                                               "source", ".", "flock", "trap", "alias", "awk", "gawk", "mawk",
                                               "nawk", "sudoedit"};
  static const std::string_view k_interpreters[] = {"python", "python2", "python3", "pypy", "pypy3", "perl",
                                                    "ruby", "node", "nodejs", "deno", "bun", "php", "lua",
                                                    "luajit", "Rscript", "osascript", "jshell", "irb", "tclsh",
                                                    "wish", "guile", "racket", "julia"};
  if (wrappers().count(base)) return Runs::argv;
  if (std::find(std::begin(k_shells), std::end(k_shells), base) != std::end(k_shells)) return Runs::shell;
  if (std::find(std::begin(k_special), std::end(k_special), base) != std::end(k_special)) return Runs::special;
  if (std::find(std::begin(k_interpreters), std::end(k_interpreters), base) != std::end(k_interpreters))
    return Runs::interpreter;
  if (starts_with(base, "python3.") || starts_with(base, "python2.") || starts_with(base, "perl5") ||
      starts_with(base, "php") || starts_with(base, "ruby") || starts_with(base, "lua5"))
    return Runs::interpreter;
  return Runs::nothing;
}

const WrapperSpec& wrapper_spec(std::string_view base) {
  static const WrapperSpec k_none;
  auto it = wrappers().find(base);
  return it == wrappers().end() ? k_none : it->second;
}

std::size_t skip_options(const std::vector<std::string>& words, std::size_t start, const WrapperSpec& spec) {
  std::size_t i = start;
  std::size_t positionals = spec.positionals;
  while (i < words.size()) {
    const std::string& w = words[i];
    if (w == "--") {
      ++i;
      break;
    }
    if (w.size() > 1 && w[0] == '-') {
      if (w[1] == '-') {
        bool takes = std::find(spec.long_with_value.begin(), spec.long_with_value.end(), std::string_view(w)) !=
                     spec.long_with_value.end();
        i += takes ? 2 : 1;
        continue;
      }
      // A cluster of short options; the first that takes a value ends it.
      bool value_next = false;
      for (std::size_t k = 1; k < w.size(); ++k) {
        if (spec.short_with_value.find(w[k]) != std::string_view::npos) {
          value_next = k + 1 == w.size();
          break;
        }
      }
      i += value_next ? 2 : 1;
      continue;
    }
    if (positionals > 0) {
      --positionals;
      ++i;
      continue;
    }
    break;
  }
  // Skip any positionals that came after `--`.
  while (positionals > 0 && i < words.size()) --positionals, ++i;
  return std::min(i, words.size());
}

bool is_destructive(std::string_view base) {
  static const std::string_view k_names[] = {"rm", "rmdir", "shred", "unlink", "srm", "dd", "chmod", "chown",
                                             "chgrp", "mv", "truncate", "wipefs", "blkdiscard", "mke2fs",
                                             "mkswap", "sgdisk", "sfdisk", "fdisk", "parted", "chattr", "setfacl"};
  if (starts_with(base, "mkfs")) return true;
  return std::find(std::begin(k_names), std::end(k_names), base) != std::end(k_names);
}

bool is_data_command(std::string_view base) {
  static const std::string_view k_names[] = {
      "echo", "printf", "grep", "egrep", "fgrep", "rg", "ag", "ack", "man", "info", "which", "whereis", "type",
      "whatis", "apropos", "help", "tldr", "cat", "less", "more", "head", "tail", "wc", "sort", "uniq", "cut",
      "tr", "jq", "yq", "ls", "stat", "file", "diff", "cmp", "test", "[", "[[", "true", "false", "touch",
      "mkdir", "cd", "pushd", "popd", "export", "unalias", "history", "hash", "complete", "compgen", "read",
      "logger", "notify-send", "cowsay", "figlet", "basename", "dirname", "realpath", "readlink", "printenv",
      "date", "sleep", "seq", "yes", "column", "fold", "fmt", "nl", "tac", "paste", "join", "comm", "md5sum",
      "sha256sum", "sha1sum", "base64", "xxd", "od", "hexdump", "strings", "tee", "wait", "shift", "local",
      "declare", "readonly", "typeset", "let", "set", "unset", "getopts", "exit", "return", "break", "continue",
      "pwd", "dirs", "jobs", "fg", "bg", "disown", "umask", "ulimit", "shopt", "bind", "fc", "tput", "clear",
      "reset", "stty", "locate", "fzf", "bat", "delta", "tree", "du", "df", "free", "uptime", "whoami", "id",
      "groups", "uname", "hostname", "env_parallel", "cowthink", "lolcat", "say", "espeak", "zenity"};
  return std::find(std::begin(k_names), std::end(k_names), base) != std::end(k_names);
}

}  // namespace vg::risk
