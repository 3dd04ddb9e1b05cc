#pragma once
// Classes of the paths a command touches: the root, system trees, devices,
// a whole home, a home's secrets and start-up files, the workspace, a
// temporary path, another machine, or unknown (a value only known at run
// time). Levels follow from an effect on a class (effect_levels.cpp).

#include <cstdint>
#include <string_view>

namespace vg::risk {

enum class TargetClass : std::uint8_t {
  root,            // / itself or everything under it (/*)
  system,          // /etc /usr /boot /bin /sbin /lib*, or a file below
  system_data,     // /var /opt /srv /usr/local /mnt /media /snap /run, or below
  kernel,          // /proc/sys, /sys, /proc/sysrq-trigger
  device_disk,     // block devices and memory: /dev/sda, /dev/nvme0n1, /dev/mem, /dev/disk/...
  device,          // another device (/dev/ttyS0)
  device_harmless, // /dev/null, /dev/zero, /dev/stdout, /dev/fd/N, /dev/tty, /dev/urandom
  home,            // a whole home: ~, $HOME, /home/NAME, /home/$USER, /Users/NAME, /home, /root, ~user
  home_secret,     // ~/.ssh, ~/.aws, ~/.gnupg, ~/.kube, credentials files
  home_startup,    // ~/.bashrc, ~/.profile, ~/.config/autostart, ~/.config/systemd: run at login
  home_cache,      // a cache under a home: ~/.cache, ~/.npm, ~/.m2/repository, ~/go/pkg/mod
  home_other,      // another path under a home
  workspace,       // a relative path below the working directory
  workspace_all,   // the whole working directory: . ./ * ./* .*
  outside,         // .. and ../x: beside the workspace
  elsewhere_top,   // another top-level directory (/app, /data)
  elsewhere,       // a path below one (/app/build)
  temp_all,        // /tmp or /var/tmp itself, or everything in it
  temp,            // a path below /tmp, /var/tmp, /dev/shm
  remote,          // another machine: URL, HOST:PATH
  unknown,         // only known at run time ($VAR, $(cmd)), or not a path vg can place
};

// Classify `path` as a command received it: after quote removal, with an
// unquoted `~` already spelled `$HOME` (a literal `~` names a directory
// called ~). `resolved` is false when the word is only known at run time.
// `remote_syntax` lets HOST:PATH name another machine (scp, rsync).
TargetClass classify_target(std::string_view path, bool resolved, bool remote_syntax = false);
// A short name for `c` ("system", "home subtree (secrets)", ...).
const char* to_string(TargetClass c);

}  // namespace vg::risk
