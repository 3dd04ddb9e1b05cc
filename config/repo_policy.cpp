// What "tighter" means, key by key:
//   mode               always > auto > manual > disabled
//   actions            refuse > ask > sandbox > host (thresholds, not_understood, ask_fallback)
//   block_critical     only true;   allow_host_override  only false;   enabled  only true
//   fallback           only none;   runtime  unchanged, or microvm
//   network.mode       none > restricted > full
//   allowed_hosts      no host the lower layers do not allow
//   blocked_hosts, exclude   entries may be added, not removed
//   allow_protected, env.pass   entries may be removed, not added
//   env.drop           entries may be added, not removed
//   volumes            none added, none widened (ro < overlay < rw)
//   resources          limits only lowered, never removed (0 = no limit)
//   isolation          readonly > overlay; network only true; nobody > current > root;
//                      capabilities only removed
//   rules.paths, rules.disable, audit.*, mock.*   not changed by a repository
//   hooks.on_missing   refuse > warn
//   enable_cache, cache_*, microvm.*   free
#include "config/repo_policy.hpp"

#include <algorithm>
#include <functional>

#include "config/keys.hpp"

namespace vg::config {
namespace {

int rank(Mode m) {
  switch (m) {
    case Mode::disabled: return 0;
    case Mode::manual: return 1;
    case Mode::automatic: return 2;
    case Mode::always: return 3;
  }
  return 3;
}

int rank(Action a) {
  switch (a) {
    case Action::host: return 0;
    case Action::sandbox: return 1;
    case Action::ask: return 2;
    case Action::refuse: return 3;
  }
  return 3;
}

int rank(NetworkMode m) {
  switch (m) {
    case NetworkMode::full: return 0;
    case NetworkMode::restricted: return 1;
    case NetworkMode::none: return 2;
  }
  return 2;
}

int rank(VolumeMode m) {
  switch (m) {
    case VolumeMode::ro: return 0;
    case VolumeMode::overlay: return 1;
    case VolumeMode::rw: return 2;
  }
  return 2;
}

int user_rank(const std::string& user) { return user == "nobody" ? 2 : user == "current" ? 1 : 0; }

template <class T>
bool limit_loosened(T value, T lower) {
  return lower != 0 && (value == 0 || value > lower);
}

struct HostPort {
  std::string host;
  std::string port;  // empty = any
};

HostPort split_host(const std::string& entry) {
  if (!entry.empty() && entry[0] == '[') {
    auto close = entry.find(']');
    if (close == std::string::npos) return {entry, ""};
    std::string port = close + 1 < entry.size() && entry[close + 1] == ':' ? entry.substr(close + 2) : "";
    return {entry.substr(0, close + 1), port};
  }
  auto colon = entry.find(':');
  if (colon == std::string::npos || entry.find(':', colon + 1) != std::string::npos) return {entry, ""};
  return {entry.substr(0, colon), entry.substr(colon + 1)};
}

// Whether the allowed-host entry `lower` admits everything `entry` admits.
bool covers(const std::string& lower, const std::string& entry) {
  HostPort l = split_host(lower);
  HostPort e = split_host(entry);
  if (!l.port.empty() && l.port != e.port) return false;
  if (l.host == e.host) return true;
  if (l.host.rfind("*.", 0) != 0) return false;
  std::string suffix = l.host.substr(1);  // ".example.com"
  std::string name = e.host.rfind("*.", 0) == 0 ? e.host.substr(1) : e.host;
  return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

class Tightener {
 public:
  Tightener(const Config& base, Config& cand, const std::string& file) : m_base(base), m_cand(cand), m_file(file) {}

  std::vector<std::string> run() {
    const Sandbox& b = m_base.sandbox;
    Sandbox& s = m_cand.sandbox;
    scalar("sandbox.enabled", !s.enabled && b.enabled, [&] { s.enabled = b.enabled; });
    scalar("sandbox.mode", rank(s.mode) < rank(b.mode), [&] { s.mode = b.mode; });
    action("sandbox.risk_threshold.low", s.risk_threshold.low, b.risk_threshold.low);
    action("sandbox.risk_threshold.medium", s.risk_threshold.medium, b.risk_threshold.medium);
    action("sandbox.risk_threshold.high", s.risk_threshold.high, b.risk_threshold.high);
    action("sandbox.risk_threshold.critical", s.risk_threshold.critical, b.risk_threshold.critical);
    action("sandbox.not_understood", s.not_understood, b.not_understood);
    action("sandbox.ask_fallback", s.ask_fallback, b.ask_fallback);
    scalar("sandbox.block_critical", !s.block_critical && b.block_critical, [&] { s.block_critical = b.block_critical; });
    scalar("sandbox.allow_host_override", s.allow_host_override && !b.allow_host_override,
           [&] { s.allow_host_override = b.allow_host_override; });
    scalar("sandbox.fallback", s.fallback != Fallback::none && s.fallback != b.fallback, [&] { s.fallback = b.fallback; });
    scalar("sandbox.runtime", s.runtime != b.runtime && s.runtime != "microvm", [&] { s.runtime = b.runtime; });

    Resources& r = s.resources;
    const Resources& br = b.resources;
    scalar("sandbox.resources.cpu", limit_loosened(r.cpu, br.cpu), [&] { r.cpu = br.cpu; });
    scalar("sandbox.resources.memory", limit_loosened(r.memory, br.memory), [&] { r.memory = br.memory; });
    scalar("sandbox.resources.disk", limit_loosened(r.disk, br.disk), [&] { r.disk = br.disk; });
    scalar("sandbox.resources.pids", limit_loosened(r.pids, br.pids), [&] { r.pids = br.pids; });
    scalar("sandbox.resources.timeout", limit_loosened(r.timeout, br.timeout), [&] { r.timeout = br.timeout; });
    scalar("sandbox.resources.require_limits", !r.require_limits && br.require_limits,
           [&] { r.require_limits = br.require_limits; });

    Isolation& i = s.isolation;
    const Isolation& bi = b.isolation;
    scalar("sandbox.isolation.filesystem", i.filesystem != bi.filesystem && i.filesystem != "readonly",
           [&] { i.filesystem = bi.filesystem; });
    scalar("sandbox.isolation.network", !i.network && bi.network, [&] { i.network = bi.network; });
    scalar("sandbox.isolation.user", user_rank(i.user) < user_rank(bi.user), [&] { i.user = bi.user; });
    only_existing("sandbox.isolation.capabilities", i.capabilities, bi.capabilities);

    scalar("sandbox.network.mode", rank(s.network.mode) < rank(b.network.mode), [&] { s.network.mode = b.network.mode; });
    allowed_hosts();
    keep_removed("sandbox.network.blocked_hosts", s.network.blocked_hosts, b.network.blocked_hosts);
    keep_removed("sandbox.exclude", s.exclude, b.exclude);
    only_existing("sandbox.allow_protected", s.allow_protected, b.allow_protected);
    only_existing("sandbox.env.pass", s.env.pass, b.env.pass);
    keep_removed("sandbox.env.drop", s.env.drop, b.env.drop);
    volumes();

    only_existing("rules.paths", m_cand.rules.paths, m_base.rules.paths);
    only_existing("rules.disable", m_cand.rules.disable, m_base.rules.disable);
    unchanged("audit.path", [&] { m_cand.audit.path = m_base.audit.path; });
    unchanged("audit.max_size", [&] { m_cand.audit.max_size = m_base.audit.max_size; });
    unchanged("audit.keep", [&] { m_cand.audit.keep = m_base.audit.keep; });
    // A repository may ask for every command to be recorded, never waive it.
    scalar("audit.required", !m_cand.audit.required && m_base.audit.required,
           [&] { m_cand.audit.required = m_base.audit.required; });
    unchanged("mock.exit_code", [&] { m_cand.mock.exit_code = m_base.mock.exit_code; });
    unchanged("mock.stdout_text", [&] { m_cand.mock.stdout_text = m_base.mock.stdout_text; });
    unchanged("mock.stderr_text", [&] { m_cand.mock.stderr_text = m_base.mock.stderr_text; });
    unchanged("mock.fail_start", [&] { m_cand.mock.fail_start = m_base.mock.fail_start; });
    unchanged("mock.record_path", [&] { m_cand.mock.record_path = m_base.mock.record_path; });
    scalar("hooks.on_missing", m_cand.hooks.on_missing != m_base.hooks.on_missing && m_cand.hooks.on_missing != "refuse",
           [&] { m_cand.hooks.on_missing = m_base.hooks.on_missing; });
    return std::move(m_notes);
  }

 private:
  bool from_repo(const std::string& key) const {
    auto it = m_cand.origins.find(key);
    return it != m_cand.origins.end() && it->second.source == m_file;
  }

  std::string where(const std::string& key) const { return m_cand.origins.at(key).to_string(); }

  std::string tail() const {
    return " — a repository config cannot loosen your policy; trust it with 'vg config trust " + m_file + "'";
  }

  void restore_origin(const std::string& key) {
    auto it = m_base.origins.find(key);
    if (it != m_base.origins.end()) m_cand.origins[key] = it->second;
    else m_cand.origins.erase(key);
  }

  void scalar(const std::string& key, bool loosens, const std::function<void()>& revert) {
    if (!loosens || !from_repo(key)) return;
    const KeyInfo* info = find_key(key);
    std::string value = info ? to_text(info->get(m_cand)) : "?";
    m_notes.push_back("ignoring " + key + ": " + value + " from " + where(key) + tail());
    revert();
    restore_origin(key);
  }

  void action(const std::string& key, Action& value, Action lower) {
    scalar(key, rank(value) < rank(lower), [&] { value = lower; });
  }

  void unchanged(const std::string& key, const std::function<void()>& revert) {
    const KeyInfo* info = find_key(key);
    bool changed = info && to_text(info->get(m_cand)) != to_text(info->get(m_base));
    scalar(key, changed, revert);
  }

  // Drop entries of `list` that `lower` does not have.
  void only_existing(const std::string& key, std::vector<std::string>& list, const std::vector<std::string>& lower) {
    if (!from_repo(key)) return;
    std::vector<std::string> kept;
    for (const auto& item : list) {
      if (contains(lower, item)) kept.push_back(item);
      else m_notes.push_back("ignoring " + key + " entry '" + item + "' from " + where(key) + tail());
    }
    list = kept;
  }

  // Put back entries of `lower` that `list` lost.
  void keep_removed(const std::string& key, std::vector<std::string>& list, const std::vector<std::string>& lower) {
    if (!from_repo(key)) return;
    for (const auto& item : lower) {
      if (contains(list, item)) continue;
      m_notes.push_back("ignoring the removal of " + key + " entry '" + item + "' by " + where(key) + tail());
      list.push_back(item);
    }
  }

  void allowed_hosts() {
    const std::string key = "sandbox.network.allowed_hosts";
    if (!from_repo(key)) return;
    const Network& lower = m_base.sandbox.network;
    std::vector<std::string> kept;
    for (const auto& host : m_cand.sandbox.network.allowed_hosts) {
      bool allowed = lower.mode == NetworkMode::full;
      for (const auto& l : lower.allowed_hosts) allowed = allowed || covers(l, host);
      if (lower.mode == NetworkMode::none) allowed = false;
      if (allowed) kept.push_back(host);
      else m_notes.push_back("ignoring " + key + " entry '" + host + "' from " + where(key) + tail());
    }
    m_cand.sandbox.network.allowed_hosts = kept;
  }

  void volumes() {
    const std::string key = "sandbox.volumes";
    if (!from_repo(key)) return;
    std::vector<Volume> kept;
    for (const auto& v : m_cand.sandbox.volumes) {
      bool allowed = false;
      for (const auto& l : m_base.sandbox.volumes) {
        if (l.source == v.source && l.target == v.target && rank(v.mode) <= rank(l.mode)) allowed = true;
      }
      if (allowed) {
        kept.push_back(v);
      } else {
        m_notes.push_back("ignoring " + key + " entry '" + v.source + ":" + v.target + ":" + to_string(v.mode) +
                          "' from " + where(key) + tail());
      }
    }
    m_cand.sandbox.volumes = kept;
  }

  const Config& m_base;
  Config& m_cand;
  const std::string& m_file;
  std::vector<std::string> m_notes;
};

}  // namespace

std::vector<std::string> keep_tighten_only(const Config& base, Config& candidate, const std::string& repo_file) {
  return Tightener(base, candidate, repo_file).run();
}

}  // namespace vg::config
