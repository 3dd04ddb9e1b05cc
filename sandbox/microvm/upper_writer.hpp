#pragma once
// Writing the write set the guest sends into a host directory in overlayfs
// upper-layer format (whiteouts as 0/0 character devices, opaque directories
// marked by xattr), which the policy engine then checks and commits. The
// guest is not trusted: every path is validated and resolved beneath the
// directory without following symlinks, and the bytes written are bounded.
// Files are written sparse: a hole the guest announces is never allocated,
// so a file's apparent size costs nothing here (the policy engine judges it).

#include <cstdint>
#include <string>
#include <vector>

#include "config/result.hpp"
#include "guest/protocol.hpp"
#include "sandbox/launcher.hpp"

namespace vg::sandbox::microvm {

class UpperWriter {
 public:
  // Write into the existing empty directory `upper_dir`; refuse a file whose
  // data (holes excluded) would take the total past `max_bytes` (0 = no limit).
  UpperWriter(std::string upper_dir, std::uint64_t max_bytes);
  ~UpperWriter();
  UpperWriter(const UpperWriter&) = delete;
  UpperWriter& operator=(const UpperWriter&) = delete;

  // Start entry `c`. A change that cannot be written safely is recorded in
  // refused() and its data is discarded; an Error means the stream is broken.
  Result<void> begin(const proto::Change& c);
  // The next `bytes` of the current file.
  Result<void> data(std::string_view bytes);
  // The next `length` bytes of the current file are a hole (zeros, not allocated).
  Result<void> hole(std::uint64_t length);
  // The guest did not send `entry` (or drops the file it has just sent): a refusal.
  Result<void> unsent(const proto::Unsent& entry);
  // The stream ended (changes_end); an Error if a file is incomplete.
  Result<void> finish();

  // Changes refused while writing (path escapes, through symlinks, unsent by
  // the guest, past the limit), with reasons.
  const std::vector<Change>& refused() const { return m_refused; }
  // Bytes of file data written (holes excluded).
  std::uint64_t data_bytes() const { return m_data; }

 private:
  void refuse(const std::string& path, const std::string& reason);
  int open_parent(const std::string& path, std::string& leaf, std::string& why);
  Result<void> advance(std::uint64_t length);
  void complete_file();
  void drop_file(const std::string& reason);
  void close_file();

  std::string m_dir;
  int m_root = -1;
  std::uint64_t m_max_bytes;
  std::uint64_t m_data = 0;
  int m_file = -1;           // file being written (-1 when discarding)
  int m_parent = -1;         // its directory, kept until the next entry (an unsent frame may drop the file)
  std::string m_leaf;        // its name there
  std::uint64_t m_size = 0;  // its apparent size
  std::uint64_t m_left = 0;  // bytes (data or hole) still expected for the current file
  std::string m_file_path;
  bool m_file_written = false;  // the last file entry was written (not refused)
  std::uint64_t m_file_data = 0;  // its data bytes, given back to the limit if it is dropped
  std::vector<Change> m_refused;
};

}  // namespace vg::sandbox::microvm
