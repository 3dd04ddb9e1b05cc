#include "sandbox/namespace/trace_map.hpp"

#include <map>
#include <set>

namespace vg::sandbox::ns {
namespace {

// True when `path` is `prefix` or lies beneath it.
bool under(const std::string& path, const std::string& prefix) {
  if (prefix == "/") return true;
  return path.starts_with(prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/');
}

}  // namespace

std::string host_path_of(const Plan& plan, const std::string& sandbox_path) {
  // The mount that decides is the deepest one over the path; of two at the
  // same place, the later (it was mounted on top).
  const MountOp* best = nullptr;
  for (const auto& op : plan.mounts) {
    if (op.target.empty() || !under(sandbox_path, op.target)) continue;
    if (!best || op.target.size() >= best->target.size()) best = &op;
  }
  if (!best) return {};  // the sandbox's own root
  std::string rest = sandbox_path.substr(best->target == "/" ? 0 : best->target.size());
  switch (best->kind) {
    case MountOp::Kind::bind_ro:
    case MountOp::Kind::bind_rw:
    case MountOp::Kind::overlay: {
      std::string_view old_root(k_old_root);
      if (!best->source.starts_with(old_root)) return {};
      return best->source.substr(old_root.size()) + rest;
    }
    case MountOp::Kind::symlink:
      // A top-level link is the host's own (/bin -> usr/bin); others (/dev/fd) are the sandbox's.
      return best->target.find('/', 1) == std::string::npos ? sandbox_path : std::string{};
    case MountOp::Kind::bind_dev:
    case MountOp::Kind::tmpfs:
    case MountOp::Kind::scratch:
    case MountOp::Kind::proc:
    case MountOp::Kind::devpts:
    case MountOp::Kind::hide_file:
    case MountOp::Kind::hide_dir: return {};
  }
  return {};
}

std::vector<std::pair<std::string, trace::Use>> host_inputs(const Plan& plan, const trace::Trace& trace) {
  std::map<std::string, trace::Use> merged;
  for (const auto& [path, use] : trace.paths) {
    std::string host = host_path_of(plan, path);
    if (host.empty()) continue;
    auto [it, added] = merged.emplace(host, use);
    if (!added) it->second = trace::merge_use(it->second, use);
  }
  return {merged.begin(), merged.end()};
}

std::vector<std::string> host_stated(const Plan& plan, const trace::Trace& trace) {
  std::set<std::string> hosts;
  for (const auto& path : trace.stated) {
    std::string host = host_path_of(plan, path);
    if (!host.empty()) hosts.insert(std::move(host));
  }
  return {hosts.begin(), hosts.end()};
}

}  // namespace vg::sandbox::ns
