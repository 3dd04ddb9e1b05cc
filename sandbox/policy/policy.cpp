#include "sandbox/policy/policy.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "config/printable.hpp"
#include "sandbox/policy/apply.hpp"
#include "sandbox/policy/fs.hpp"
#include "sandbox/policy/glob.hpp"
#include "sandbox/policy/host_links.hpp"
#include "sandbox/policy/protect.hpp"
#include "sandbox/policy/quarantine.hpp"
#include "sandbox/policy/resolve.hpp"
#include "sandbox/policy/write_set.hpp"

namespace vg::sandbox::policy {

namespace {

// RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS: follow symlinks, but never out of the root.
constexpr std::uint64_t k_resolve_beneath = 0x08 | 0x02;

std::string volume_root_of(const Rules& rules, const std::string& target_root) {
  return rules.sandbox_root.empty() ? target_root : rules.sandbox_root;
}

// A symlink may only lead to somewhere inside the volume, judged in the tree
// as it will be once every change of the run is committed (`view`).
std::optional<std::string> check_symlink(const Item& it, const std::string& volume_root, TreeView& view) {
  if (it.link_target.empty()) return "empty symlink target";
  std::string why = describe(resolve_symlink(view, it.change.path, it.link_target, volume_root), it.link_target);
  if (why.empty()) return std::nullopt;
  return why;
}

// A sparse file costs the upper directory's tmpfs nothing but becomes its
// full size wherever it is copied without holes; blocks allocated past the
// end (fallocate --keep-size) cost disk as well. The larger one counts, but
// not the rounding of the last block (a 2-byte file occupies 4 KiB).
std::uint64_t counted_size(const Item& it) {
  std::uint64_t block = std::max<std::uint64_t>(it.block_size, 4096);
  std::uint64_t rounded = it.size / block * block + (it.size % block ? block : 0);
  return it.allocated > rounded ? it.allocated : it.size;
}

std::string size_text(const Item& it) {
  std::string out = std::to_string(counted_size(it)) + " bytes";
  if (it.allocated < it.size) out += ", " + std::to_string(it.allocated) + " of them allocated";
  if (counted_size(it) > it.size) out += " allocated, " + std::to_string(it.size) + " long";
  return out;
}

std::optional<std::string> check_item(const Item& it, const Rules& rules, const std::string& volume_root,
                                      TreeView& merged, std::uint64_t& total) {
  if (!rules.refuse_all.empty()) return rules.refuse_all;
  for (const std::string* path : {&it.change.path, &it.change.from}) {
    if (path->empty()) continue;
    if (const auto* p = first_match(builtin_secret_patterns(), *path)) return "secret file (matches '" + *p + "')";
    if (const auto* p = first_match(rules.exclude, *path)) return "excluded path (matches '" + *p + "')";
  }
  if (it.change.kind == Change::Kind::deleted) return std::nullopt;
  // A new directory or link takes an inode and a block on the host.
  if (it.change.kind == Change::Kind::created || it.change.kind == Change::Kind::symlink) {
    if (it.type == EntryType::directory || it.type == EntryType::symlink) {
      if (rules.max_total_size && (total > rules.max_total_size || rules.max_total_size - total < k_entry_cost)) {
        return "write set exceeds the size limit (" + std::to_string(rules.max_total_size) +
               " bytes; every new directory or link counts " + std::to_string(k_entry_cost) + ")";
      }
      total += k_entry_cost;
    }
  }
  switch (it.type) {
    case EntryType::fifo:
    case EntryType::socket:
    case EntryType::device:
      return std::string("a ") + to_string(it.type) + " may not be created in the workspace";
    case EntryType::whiteout:
    case EntryType::directory:
      break;
    case EntryType::symlink:
      return check_symlink(it, volume_root, merged);
    case EntryType::regular: {
      if (it.mode & (S_ISUID | S_ISGID)) return "setuid/setgid file";
      std::uint64_t bytes = counted_size(it);
      if (rules.max_file_size && bytes > rules.max_file_size) {
        return "file too large (" + size_text(it) + ", limit " + std::to_string(rules.max_file_size) + ")";
      }
      // A mode change or a rename writes no bytes; a new file takes an inode.
      if (it.change.kind == Change::Kind::mode_changed || it.change.kind == Change::Kind::renamed) break;
      if (it.change.kind == Change::Kind::created) bytes = std::max(bytes, k_entry_cost);
      if (rules.max_total_size && (bytes > rules.max_total_size || total > rules.max_total_size - bytes)) {
        return "write set exceeds the size limit (" + size_text(it) + " more than the " +
               std::to_string(rules.max_total_size - std::min(total, rules.max_total_size)) + " bytes left of " +
               std::to_string(rules.max_total_size) + ")";
      }
      total += bytes;
      break;
    }
  }
  if (it.type == EntryType::directory && (it.mode & S_ISUID)) return "setuid directory";
  return std::nullopt;
}

// Why the committed symlink of `it` leads out of the volume on the real
// tree, or "" when it does not (or is no longer the link the run made).
std::string escapes_after_commit(TreeView& host, int target_fd, const Item& it, const std::string& volume_root) {
  auto [parent, name] = split_parent(it.change.path);
  Fd dir(open_dir_beneath(target_fd, parent));
  if (!dir.valid() || read_link_at(dir.get(), name) != it.link_target) return "";
  Resolution r = resolve_symlink(host, it.change.path, it.link_target, volume_root);
  std::string why = describe(r, it.link_target);
  if (!why.empty() || r.absolute) return why;
  // Relative all the way: the kernel follows it too, and must stay beneath the root.
  Fd f(openat2_raw(target_fd, it.change.path.c_str(), O_PATH | O_CLOEXEC, 0, k_resolve_beneath));
  if (!f.valid() && (errno == EXDEV || errno == ELOOP)) {
    return "symlink resolves outside the volume (openat2: " + errno_text(errno) + ") (-> " + it.link_target + ")";
  }
  return "";
}

// Remove the committed symlink of `it` if it is still the one the run made.
std::string remove_link(int target_fd, const Item& it) {
  auto [parent, name] = split_parent(it.change.path);
  Fd dir(open_dir_beneath(target_fd, parent));
  if (!dir.valid()) return "openat2(\"" + parent + "\"): " + errno_text(errno);
  if (read_link_at(dir.get(), name) != it.link_target) return "";
  if (unlinkat(dir.get(), name.c_str(), 0) != 0) return "unlinkat(\"" + it.change.path + "\"): " + errno_text(errno);
  return "";
}

// Follow every committed symlink again on the real tree: a change it relied
// on may have been refused, or the host changed meanwhile. One that leads
// out is removed and reported like any refusal. A removal can change what
// other links resolve to, so this repeats until a pass removes nothing.
void recheck_committed_links(int upper_fd, int target_fd, const std::vector<Item>& items,
                             const std::string& volume_root, Quarantine& quarantine, Report& report) {
  for (bool removed = true; removed;) {
    removed = false;
    auto host = std::make_unique<MergedView>(-1, target_fd);
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Item& it = items[i];
      Change& c = report.changes[i];
      if (!c.accepted || it.type != EntryType::symlink || it.change.kind == Change::Kind::deleted) continue;
      std::string why = escapes_after_commit(*host, target_fd, it, volume_root);
      if (why.empty()) continue;
      c.accepted = false;
      c.reason = why + "; committed, then removed";
      if (std::string failed = remove_link(target_fd, it); !failed.empty()) {
        c.reason += " -- REMOVAL FAILED, the link is in place: " + failed;
      }
      auto kept = quarantine.keep(upper_fd, it, "refused", c.reason);
      if (!kept) c.reason += "; could not be kept: " + kept.error().message;
      --report.accepted;
      ++report.refused;
      removed = true;
      host = std::make_unique<MergedView>(-1, target_fd);  // the tree changed
    }
  }
}

const char* verdict_name(const Change& c, bool dry_run) {
  if (c.accepted) return dry_run ? "would apply" : "ok";
  return c.conflict ? "conflict" : "refused";
}

}  // namespace

const std::vector<std::string>& builtin_secret_patterns() {
  static const std::vector<std::string> k_patterns = {".env*"};
  return k_patterns;
}

const char* to_string(Change::Kind kind) {
  switch (kind) {
    case Change::Kind::created: return "created";
    case Change::Kind::modified: return "modified";
    case Change::Kind::deleted: return "deleted";
    case Change::Kind::mode_changed: return "mode changed";
    case Change::Kind::symlink: return "symlink";
    case Change::Kind::renamed: return "renamed";
  }
  return "changed";
}

Result<Report> commit_write_set(const std::string& upper_dir, const std::string& target_root, const Rules& rules) {
  Fd upper(open(upper_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!upper.valid()) return make_error("open(\"" + printable(upper_dir) + "\"): " + errno_text(errno));
  Fd target(open(target_root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!target.valid()) return make_error("open(\"" + printable(target_root) + "\"): " + errno_text(errno));
  auto scanned = scan_upper(upper.get(), target.get());
  if (!scanned) return scanned.error();

  Report report;
  Quarantine quarantine(rules.quarantine_base);
  const std::string volume_root = volume_root_of(rules, target_root);
  MergedView merged(upper.get(), target.get());
  std::uint64_t total = rules.total_before;
  // New links that would lead existing ones out are refused, all of them.
  std::string links_refused = host_link_led_out(target.get(), *scanned, merged, volume_root);
  // Read only when the run changed something (a few hundred lookups).
  HostIndirections indirections = rules.protect && rules.refuse_all.empty() && !scanned->empty()
                                      ? host_indirections(target.get())
                                      : HostIndirections{};
  for (const Item& it : *scanned) {
    Change c = it.change;
    std::string verdict;
    bool new_link = it.type == EntryType::symlink && it.change.kind != Change::Kind::deleted;
    std::string guarded = rules.protect && rules.refuse_all.empty()
                              ? protected_change(it, upper.get(), target.get(), rules.allow_protected, indirections)
                              : "";
    if (new_link && !links_refused.empty()) {
      c.reason = links_refused;
      verdict = "refused";
    } else if (!guarded.empty()) {
      c.reason = guarded;
      verdict = "refused";
    } else if (auto why = check_item(it, rules, volume_root, merged, total)) {
      c.reason = *why;
      verdict = "refused";
    } else if (rules.apply == Apply::dry_run) {
      c.accepted = true;
      verdict = "dry-run";
    } else {
      Applied a = apply_item(upper.get(), target.get(), it, rules.started_at);
      c.accepted = a.status == Applied::Status::ok;
      c.conflict = a.status == Applied::Status::conflict;
      c.reason = a.reason;
      if (!c.accepted) verdict = c.conflict ? "conflict" : "refused";
    }
    if (!verdict.empty()) {
      auto kept = quarantine.keep(upper.get(), it, verdict, c.reason.empty() ? "not applied (dry run)" : c.reason);
      if (!kept) c.reason += (c.reason.empty() ? "" : "; ") + std::string("could not be kept: ") + kept.error().message;
    }
    if (c.accepted) {
      ++report.accepted;
    } else {
      ++report.refused;
      if (c.conflict) ++report.conflicts;
    }
    report.changes.push_back(std::move(c));
  }
  if (rules.apply == Apply::commit) {
    recheck_committed_links(upper.get(), target.get(), *scanned, volume_root, quarantine, report);
  }
  report.total_size = total;
  report.quarantine = quarantine.dir();
  report.notes = quarantine.notes();
  return report;
}

std::string format_report(const Report& report, bool verbose) {
  std::string out;
  for (const auto& c : report.changes) {
    if (c.accepted && !verbose) continue;
    out += "vg: ";
    out += verdict_name(c, verbose);
    out += ": ";
    out += to_string(c.kind);
    out += " ";
    // Paths and reasons (which quote paths and link targets) are the command's choice.
    if (!c.from.empty()) out += printable(c.from) + " -> ";
    out += printable(c.path);
    if (!c.reason.empty()) out += ": " + printable(c.reason);
    out += "\n";
  }
  for (const auto& n : report.notes) out += "vg: note: " + n + "\n";
  if (report.refused > 0 || (verbose && !report.quarantine.empty())) {
    out += "vg: " + std::to_string(report.accepted) + " change(s) " + (verbose ? "checked" : "committed") + ", " +
           std::to_string(report.refused) + " refused";
    if (report.conflicts) out += " (" + std::to_string(report.conflicts) + " conflict(s))";
    if (!report.quarantine.empty()) out += "; kept in " + printable(report.quarantine);
    out += "\n";
  }
  return out;
}

}  // namespace vg::sandbox::policy
