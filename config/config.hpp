#pragma once
// The effective configuration of one vg invocation, and where each value
// came from. Layers, lowest first: built-in defaults (config/defaults.yaml),
// /etc/vg/config.yaml, $XDG_CONFIG_HOME/vg/config.yaml, the nearest .vg.yaml
// walking up from the working directory (tighten-only unless trusted),
// VG_* environment variables, command-line flags.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vg::config {

// How commands are routed (the Vectra Guard `sandbox.mode`).
enum class Mode {
  always,     // every command runs in the sandbox
  automatic,  // "auto": by risk level through `risk_threshold`
  manual,     // host unless `vg exec --sandbox`
  disabled,   // host (critical findings are still refused)
};

// Risk levels, ordered.
enum class Level { low = 0, medium = 1, high = 2, critical = 3 };

// What to do with a command at some level.
enum class Action { host, sandbox, ask, refuse };

enum class CacheStrategy { smart, aggressive, conservative };
enum class NetworkMode { none, restricted, full };
enum class VolumeMode { ro, rw, overlay };
enum class Fallback { none, host };

// A path from the host made visible in the sandbox.
struct Volume {
  std::string source;  // host path, `~` expanded
  std::string target;  // path inside the sandbox
  VolumeMode mode = VolumeMode::ro;
};

struct Resources {
  double cpu = 0;              // cores; 0 = no limit
  std::uint64_t memory = 0;    // bytes; 0 = no limit
  std::uint64_t disk = 0;      // bytes of overlay upper dir; 0 = no limit
  std::uint64_t pids = 0;      // max processes; 0 = no limit
  std::uint64_t timeout = 0;   // seconds of wall time; 0 = no limit
  bool require_limits = false; // refuse to run when memory or cpu cannot be limited for the whole sandbox
};

struct Isolation {
  std::string filesystem = "overlay";  // overlay | readonly
  bool network = true;                 // own network namespace (see Network)
  std::string user = "nobody";         // nobody | root | current
  std::vector<std::string> capabilities;  // kept capabilities; empty = none
};

struct Network {
  NetworkMode mode = NetworkMode::none;
  std::vector<std::string> allowed_hosts;  // name, *.wildcard, host:port
  std::vector<std::string> blocked_hosts;  // win over allowed_hosts
};

// Thresholds: the action for each level (critical is governed by block_critical).
struct RiskThreshold {
  Action low = Action::host;
  Action medium = Action::sandbox;
  Action high = Action::sandbox;
  Action critical = Action::refuse;
};

// The `sandbox:` block (Vectra Guard compatible, plus vg's own keys).
// Which of the caller's environment variables a sandboxed command gets.
// By default every variable but those whose names mark them as secrets
// (sandbox/environment.hpp); `pass` names (or globs) let some through,
// `drop` withholds more.
struct EnvPolicy {
  std::vector<std::string> pass;
  std::vector<std::string> drop;
};

struct Sandbox {
  bool enabled = true;  // a file that omits it does NOT switch the sandbox off
  Mode mode = Mode::always;
  bool enable_cache = true;
  std::uint64_t cache_ttl = 7 * 24 * 3600;    // seconds
  std::uint64_t cache_size = 1ull << 30;      // bytes
  CacheStrategy cache_strategy = CacheStrategy::smart;
  std::string cache_salt;                     // changing it disowns every entry
  RiskThreshold risk_threshold;
  bool block_critical = true;                 // refuse critical in every mode
  Action not_understood = Action::sandbox;    // sandbox | refuse
  Action ask_fallback = Action::refuse;       // answer when there is no terminal
  bool allow_host_override = false;           // `--host` permitted in `always` mode
  Fallback fallback = Fallback::none;         // sandbox cannot start: none = fail
  std::string runtime = "namespace";          // namespace | microvm | mock
  Resources resources;
  Isolation isolation;
  std::vector<Volume> volumes;
  std::vector<std::string> exclude;  // globs hidden from the sandbox and never committed
  // Protected paths (.git/config and hooks, rc files, editor and agent
  // settings) a sandboxed run may still write: globs.
  std::vector<std::string> allow_protected;
  EnvPolicy env;
  Network network;
};

// The mock runtime's configured outcome (tests drive the router with it).
struct Mock {
  int exit_code = 0;
  std::string stdout_text;
  std::string stderr_text;
  bool fail_start = false;       // pretend the sandbox could not start
  std::string record_path;       // where to append the spec it was asked to run
};

struct Rules {
  std::vector<std::string> paths;  // extra rule files or directories
  std::vector<std::string> disable;  // rule ids to switch off (cannot disable critical)
};

struct Audit {
  std::string path;                  // empty = $XDG_STATE_HOME/vg/audit.jsonl
  std::uint64_t max_size = 10ull << 20;  // rotate past this many bytes
  int keep = 3;                      // rotated files kept
  bool required = false;             // refuse to run a command whose record cannot be written
};

struct Hooks {
  std::string on_missing = "warn";  // warn | refuse, when the vg binary is gone
};

struct MicroVm {
  std::string accel = "auto";     // auto | kvm | tcg | require-kvm
  std::uint64_t memory = 512ull << 20;
  int pool_size = 1;
};

// Where one effective value came from.
struct Origin {
  std::string source;  // "default", a file path, "env VG_MODE", "flag --mode"
  int line = 0;        // 1-based; 0 when not from a file
  int column = 0;
  std::string to_string() const;
};

struct Config {
  Sandbox sandbox;
  Mock mock;
  Rules rules;
  Audit audit;
  Hooks hooks;
  MicroVm microvm;

  // Dotted key ("sandbox.mode") -> where its value came from.
  std::map<std::string, Origin> origins;
  // The files that were read, in layer order.
  std::vector<std::string> files_read;
  // Notes for the user (e.g. a repository setting that was ignored), one
  // line each, without a "vg: " prefix (whoever prints them adds it).
  std::vector<std::string> notes;
  // The project root: the directory holding the nearest .vg.yaml, else the
  // nearest .git, else the working directory.
  std::string project_root;
};

// Name of a value, as written in config files.
const char* to_string(Mode m);
const char* to_string(Level l);
const char* to_string(Action a);
const char* to_string(CacheStrategy s);
const char* to_string(NetworkMode m);
const char* to_string(VolumeMode m);
const char* to_string(Fallback f);

// Parse a name as written in config files; nullopt when unknown.
std::optional<Mode> parse_mode(std::string_view s);
std::optional<Level> parse_level(std::string_view s);
std::optional<Action> parse_action(std::string_view s);

// Return the action configured for `level` in `t`.
Action threshold_for(const RiskThreshold& t, Level level);

}  // namespace vg::config
