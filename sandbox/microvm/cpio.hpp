#pragma once
// Writing an initramfs: the cpio "newc" format the kernel unpacks at boot.

#include <cstdint>
#include <string>
#include <string_view>

namespace vg::sandbox::microvm {

class CpioWriter {
 public:
  // Add a directory `name` (no leading slash) with permission bits `mode`.
  void directory(std::string_view name, std::uint32_t mode = 0755);
  // Add a regular file `name` holding `data`.
  void file(std::string_view name, std::string_view data, std::uint32_t mode = 0644);
  // Add a symlink `name` -> `target`.
  void symlink(std::string_view name, std::string_view target);
  // Add a character device node `name` with device numbers `major`:`minor`.
  void char_device(std::string_view name, std::uint32_t major, std::uint32_t minor, std::uint32_t mode = 0600);
  // Append the trailer and return the archive.
  std::string finish();

 private:
  void entry(std::string_view name, std::uint32_t mode, std::string_view data, std::uint32_t rmajor = 0,
             std::uint32_t rminor = 0);
  std::string m_out;
  std::uint32_t m_ino = 1;
};

}  // namespace vg::sandbox::microvm
