#pragma once
// Writing the write set the guest sends into a host directory in overlayfs
// upper-layer format (whiteouts as 0/0 character devices, opaque directories
// marked by xattr), which the policy engine then checks and commits. The
// guest is not trusted: every path is validated and resolved beneath the
// directory without following symlinks, and sizes are bounded.

#include <cstdint>
#include <string>
#include <vector>

#include "config/result.hpp"
#include "guest/protocol.hpp"
#include "sandbox/launcher.hpp"

namespace vg::sandbox::microvm {

class UpperWriter {
 public:
  // Write into the existing empty directory `upper_dir`; refuse file data past `max_bytes` (0 = no limit).
  UpperWriter(std::string upper_dir, std::uint64_t max_bytes);
  ~UpperWriter();
  UpperWriter(const UpperWriter&) = delete;
  UpperWriter& operator=(const UpperWriter&) = delete;

  // Start entry `c`. A change that cannot be written safely is recorded in
  // refused() and its data is discarded; an Error means the stream is broken.
  Result<void> begin(const proto::Change& c);
  // Bytes of the current file entry.
  Result<void> data(std::string_view bytes);
  // The stream ended (changes_end); an Error if a file is incomplete.
  Result<void> finish();

  // Changes refused while writing (path escapes, through symlinks), with reasons.
  const std::vector<Change>& refused() const { return m_refused; }

 private:
  void refuse(const std::string& path, const std::string& reason);
  int open_parent(const std::string& path, std::string& leaf, std::string& why);
  void close_file();

  std::string m_dir;
  int m_root = -1;
  std::uint64_t m_max_bytes;
  std::uint64_t m_total = 0;
  int m_file = -1;           // file being written (-1 when discarding)
  std::uint64_t m_left = 0;  // bytes still expected for the current file
  std::string m_file_path;
  std::vector<Change> m_refused;
};

}  // namespace vg::sandbox::microvm
