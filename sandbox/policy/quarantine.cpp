#include "sandbox/policy/quarantine.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "config/files.hpp"
#include "config/printable.hpp"
#include "sandbox/policy/fs.hpp"
#include "sandbox/policy/policy.hpp"

namespace vg::sandbox::policy {

Result<void> Quarantine::ensure_dir() {
  if (!m_dir.empty()) return {};
  if (m_base.empty()) return make_error("no quarantine directory configured");
  if (auto r = make_dirs(m_base); !r) return r.error();
  char stamp[32];
  time_t now = time(nullptr);
  tm tmv{};
  gmtime_r(&now, &tmv);
  strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tmv);
  for (int n = 0; n < 1000; ++n) {
    std::string dir = m_base + "/" + stamp + "-" + std::to_string(getpid()) + (n ? "-" + std::to_string(n) : "");
    if (mkdir(dir.c_str(), 0700) == 0) {
      m_dir = dir;
      return {};
    }
    if (errno != EEXIST) return make_error("mkdir(\"" + dir + "\"): " + errno_text(errno));
  }
  return make_error("cannot create a quarantine directory under " + m_base);
}

Result<void> Quarantine::copy_entry(int upper_fd, const Item& item) {
  const std::string& rel = item.change.path;
  auto [parent, name] = split_parent(rel);
  std::string dst_parent = parent.empty() ? m_dir : m_dir + "/" + parent;
  if (auto r = make_dirs(dst_parent); !r) return r.error();
  std::string dst = dst_parent + "/" + name;
  switch (item.type) {
    case EntryType::regular: {
      Fd in(openat2_raw(upper_fd, rel.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0, k_resolve_strict));
      if (!in.valid()) return make_error("openat2(upper/" + rel + "): " + errno_text(errno));
      // Set-id bits never survive into the quarantine.
      Fd out(open(dst.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, item.mode & 0755));
      if (!out.valid()) return make_error("open(\"" + dst + "\"): " + errno_text(errno));
      // Holes stay holes: a refused 2 GiB sparse file must not cost the quarantine 2 GiB.
      if (!copy_file(in.get(), out.get())) return make_error("copying to \"" + dst + "\": " + errno_text(errno));
      return {};
    }
    case EntryType::symlink:
      if (symlink(item.link_target.c_str(), dst.c_str()) != 0 && errno != EEXIST) {
        return make_error("symlink(\"" + dst + "\"): " + errno_text(errno));
      }
      return {};
    case EntryType::directory:
      if (mkdir(dst.c_str(), 0700) != 0 && errno != EEXIST) return make_error("mkdir(\"" + dst + "\"): " + errno_text(errno));
      return {};
    case EntryType::whiteout:
      return {};
    case EntryType::fifo:
    case EntryType::socket:
    case EntryType::device:
      // Nothing to copy: the manifest's line says what it was (a file of
      // its own for each cost a block and an inode: 32,000 FIFOs, 132 MB).
      return {};
  }
  return {};
}

namespace {

// Bytes on disk of the tree at `path` (links not followed).
std::uint64_t disk_usage(const std::filesystem::path& path) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    struct stat st{};
    if (lstat(it->path().c_str(), &st) == 0) total += static_cast<std::uint64_t>(st.st_blocks) * 512;
  }
  return total;
}

}  // namespace

bool Quarantine::make_room(std::uint64_t bytes) {
  if (!m_measured) {
    m_used = disk_usage(m_base);
    m_measured = true;
  }
  if (m_used + bytes <= m_cap) return true;
  // The oldest runs first: directory names start with the UTC time.
  std::vector<std::string> runs;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(m_base, ec)) {
    if (e.is_directory(ec) && e.path().string() != m_dir) runs.push_back(e.path().string());
  }
  std::sort(runs.begin(), runs.end());
  for (const auto& run : runs) {
    if (m_used + bytes <= m_cap) break;
    std::uint64_t size = disk_usage(run);
    if (std::filesystem::remove_all(run, ec) == static_cast<std::uintmax_t>(-1) || ec) continue;
    m_used = size > m_used ? 0 : m_used - size;
    m_notes.push_back("removed the oldest quarantine " + printable(run) + " (" + std::to_string(size >> 20) +
                      " MiB) to keep the quarantine under " + std::to_string(m_cap >> 20) + " MiB");
  }
  return m_used + bytes <= m_cap;
}

Result<void> Quarantine::keep(int upper_fd, const Item& item, const std::string& verdict, const std::string& reason) {
  auto r = ensure_dir();
  if (!r) return r;
  std::string not_kept;
  if (item.change.kind != Change::Kind::deleted) {
    struct stat st{};
    std::uint64_t bytes = 4096;
    if (fstatat(upper_fd, item.change.path.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      bytes += static_cast<std::uint64_t>(st.st_blocks) * 512;  // holes cost nothing: they stay holes
    }
    if (m_kept >= k_quarantine_max_entries) {
      not_kept = "more than " + std::to_string(k_quarantine_max_entries) +
                 " changes of this run are in the quarantine already: the content was not kept";
    } else if (make_room(bytes)) {
      ++m_kept;
      r = copy_entry(upper_fd, item);
      if (!r) return r;
      m_used += bytes;
    } else {
      not_kept = "the quarantine is at its cap of " + std::to_string(m_cap >> 20) + " MiB: the content was not kept";
    }
  }
  std::string manifest = m_dir + "/manifest.tsv";
  FILE* f = std::fopen(manifest.c_str(), "ae");
  if (!f) return make_error("open(\"" + manifest + "\"): " + errno_text(errno));
  // Escaped, so a tab or newline in a name cannot add a field or a record.
  std::fprintf(f, "%s\t%s\t%s\t%s\n", verdict.c_str(), to_string(item.change.kind),
               printable(item.change.path).c_str(), printable(reason + (not_kept.empty() ? "" : "; " + not_kept)).c_str());
  std::fclose(f);
  if (!not_kept.empty()) return make_error(not_kept);
  return {};
}

}  // namespace vg::sandbox::policy
