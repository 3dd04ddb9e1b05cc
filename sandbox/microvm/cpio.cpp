#include "sandbox/microvm/cpio.hpp"

#include <sys/stat.h>

#include <cstdio>

namespace vg::sandbox::microvm {

namespace {
void hex8(std::string& out, std::uint32_t v) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08X", v);
  out.append(buf, 8);
}
void pad4(std::string& out) {
  while (out.size() % 4 != 0) out.push_back('\0');
}
}  // namespace

void CpioWriter::entry(std::string_view name, std::uint32_t mode, std::string_view data, std::uint32_t rmajor,
                       std::uint32_t rminor) {
  m_out.append("070701");
  hex8(m_out, m_ino++);
  hex8(m_out, mode);
  hex8(m_out, 0);  // uid
  hex8(m_out, 0);  // gid
  hex8(m_out, S_ISDIR(mode) ? 2 : 1);
  hex8(m_out, 0);  // mtime: fixed, so equal inputs give equal archives
  hex8(m_out, static_cast<std::uint32_t>(data.size()));
  hex8(m_out, 0);
  hex8(m_out, 0);
  hex8(m_out, rmajor);
  hex8(m_out, rminor);
  hex8(m_out, static_cast<std::uint32_t>(name.size() + 1));
  hex8(m_out, 0);  // check
  m_out.append(name);
  m_out.push_back('\0');
  pad4(m_out);
  m_out.append(data);
  pad4(m_out);
}

void CpioWriter::directory(std::string_view name, std::uint32_t mode) { entry(name, S_IFDIR | mode, {}); }
void CpioWriter::file(std::string_view name, std::string_view data, std::uint32_t mode) {
  entry(name, S_IFREG | mode, data);
}
void CpioWriter::symlink(std::string_view name, std::string_view target) { entry(name, S_IFLNK | 0777, target); }
void CpioWriter::char_device(std::string_view name, std::uint32_t major, std::uint32_t minor, std::uint32_t mode) {
  entry(name, S_IFCHR | mode, {}, major, minor);
}

std::string CpioWriter::finish() {
  entry("TRAILER!!!", 0, {});
  std::string out = std::move(m_out);
  m_out.clear();
  return out;
}

}  // namespace vg::sandbox::microvm
