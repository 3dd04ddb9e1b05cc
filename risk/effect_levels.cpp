// Levels from effect x target class (see effects.hpp). Reading is low
// everywhere but a raw disk; what a command does to the workspace is low
// unless the whole of it goes; system trees, devices, whole homes and their
// secrets and start-up files are where the high levels are.
#include "risk/effects.hpp"

namespace vg::risk {

using config::Level;

namespace {

Level removal(TargetClass t, bool recursive) {
  switch (t) {
    case TargetClass::root:
    case TargetClass::system:
    case TargetClass::home:
    case TargetClass::device_disk: return Level::critical;
    case TargetClass::system_data:
    case TargetClass::kernel:
    case TargetClass::home_secret:
    case TargetClass::home_startup:
    case TargetClass::workspace_all:
    case TargetClass::temp_all:
    case TargetClass::elsewhere_top:
    case TargetClass::device:
    case TargetClass::device_harmless: return Level::high;
    case TargetClass::outside: return recursive ? Level::high : Level::medium;
    case TargetClass::home_other: return recursive ? Level::high : Level::medium;
    case TargetClass::elsewhere:
    case TargetClass::remote:
    case TargetClass::unknown: return Level::medium;
    case TargetClass::workspace:
    case TargetClass::home_cache:
    case TargetClass::temp: return Level::low;
  }
  return Level::medium;
}

Level removal_within(TargetClass t) {
  switch (t) {
    case TargetClass::root:
    case TargetClass::system:
    case TargetClass::device_disk: return Level::critical;
    case TargetClass::system_data:
    case TargetClass::kernel:
    case TargetClass::home:
    case TargetClass::home_secret:
    case TargetClass::home_startup:
    case TargetClass::device: return Level::high;
    case TargetClass::home_other:
    case TargetClass::outside:
    case TargetClass::elsewhere_top:
    case TargetClass::elsewhere:
    case TargetClass::remote:
    case TargetClass::unknown: return Level::medium;
    case TargetClass::workspace:
    case TargetClass::workspace_all:
    case TargetClass::home_cache:
    case TargetClass::temp_all:
    case TargetClass::temp:
    case TargetClass::device_harmless: return Level::low;
  }
  return Level::medium;
}

Level writing(TargetClass t) {
  switch (t) {
    case TargetClass::device_disk: return Level::critical;
    case TargetClass::root:
    case TargetClass::system:
    case TargetClass::kernel:
    case TargetClass::home_secret:
    case TargetClass::home_startup: return Level::high;
    case TargetClass::system_data:
    case TargetClass::device:
    case TargetClass::home:
    case TargetClass::home_other:
    case TargetClass::remote:
    case TargetClass::unknown: return Level::medium;
    case TargetClass::elsewhere_top: return Level::medium;  // mkdir /data: a new directory at the root
    case TargetClass::workspace:
    case TargetClass::workspace_all:
    case TargetClass::home_cache:
    case TargetClass::outside:
    case TargetClass::elsewhere:
    case TargetClass::temp_all:
    case TargetClass::temp:
    case TargetClass::device_harmless: return Level::low;
  }
  return Level::medium;
}

Level truncation(TargetClass t) {
  switch (t) {
    case TargetClass::root:
    case TargetClass::system:
    case TargetClass::device_disk: return Level::critical;
    case TargetClass::system_data:
    case TargetClass::kernel:
    case TargetClass::home_secret:
    case TargetClass::home_startup:
    case TargetClass::device:
    case TargetClass::home: return Level::high;
    case TargetClass::home_other:
    case TargetClass::elsewhere_top:
    case TargetClass::elsewhere:
    case TargetClass::remote:
    case TargetClass::unknown: return Level::medium;
    case TargetClass::workspace:
    case TargetClass::workspace_all:
    case TargetClass::home_cache:
    case TargetClass::outside:
    case TargetClass::temp_all:
    case TargetClass::temp:
    case TargetClass::device_harmless: return Level::low;
  }
  return Level::medium;
}

Level mode_change(TargetClass t) {
  switch (t) {
    case TargetClass::root: return Level::critical;
    case TargetClass::system:
    case TargetClass::home:
    case TargetClass::device_disk:
    case TargetClass::kernel: return Level::high;
    case TargetClass::system_data:
    case TargetClass::home_startup:
    case TargetClass::device:
    case TargetClass::temp_all:
    case TargetClass::remote:
    case TargetClass::unknown: return Level::medium;
    case TargetClass::home_secret:  // chmod 600 ~/.ssh/id_ed25519 tightens; loosening is for the rules
    case TargetClass::home_cache:
    case TargetClass::home_other:
    case TargetClass::workspace:
    case TargetClass::workspace_all:
    case TargetClass::outside:
    case TargetClass::elsewhere_top:
    case TargetClass::elsewhere:
    case TargetClass::temp:
    case TargetClass::device_harmless: return Level::low;
  }
  return Level::medium;
}

Level execution(TargetClass t) {
  // The project's own scripts run as `make` or `npm test` would run them.
  bool known_place = t == TargetClass::workspace || t == TargetClass::workspace_all || t == TargetClass::system ||
                     t == TargetClass::system_data;
  return known_place ? Level::low : Level::medium;
}

}  // namespace

Level effect_level(Effect effect, TargetClass target, bool recursive) {
  switch (effect) {
    case Effect::data: return Level::low;
    case Effect::read: return Level::low;  // what is read and then sent is the network's and the rules' part
    case Effect::write: return writing(target);
    case Effect::truncate: return truncation(target);
    case Effect::remove: return removal(target, recursive);
    case Effect::remove_in: return removal_within(target);
    case Effect::mode: return mode_change(target);
    case Effect::exec: return execution(target);
    case Effect::shell:
    case Effect::escape: return Level::low;  // the command line it runs is assessed as a script of its own
  }
  return Level::medium;
}

Level system_level(SystemChange s) {
  switch (s) {
    case SystemChange::none: return Level::low;
    case SystemChange::packages:
    case SystemChange::services:
    case SystemChange::deploy: return Level::medium;
    case SystemChange::users:
    case SystemChange::mounts:
    case SystemChange::kernel:
    case SystemChange::boot:
    case SystemChange::schedule:
    case SystemChange::firewall:
    case SystemChange::network: return Level::high;
  }
  return Level::medium;
}

}  // namespace vg::risk
