#include "config/yaml_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>

namespace vg::config {
namespace {

// A config file larger than this is certainly not one.
constexpr off_t k_max_config_size = 1 << 20;

}  // namespace

Result<std::optional<std::string>> read_config_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<std::string>{};
    return make_error(path + ": cannot read config file: " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return make_error(path + ": cannot read config file: fstat: " + std::strerror(err));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return make_error(path + ": cannot read config file: it is a directory");
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return make_error(path + ": cannot read config file: not a regular file");
  }
  if (st.st_size > k_max_config_size) {
    ::close(fd);
    return make_error(path + ": config file is too large (" + std::to_string(st.st_size) + " bytes; at most 1 MiB)");
  }
  std::string text;
  text.resize(static_cast<std::size_t>(st.st_size));
  std::size_t have = 0;
  while (true) {
    if (have == text.size()) text.resize(text.size() + 4096);
    ssize_t n = ::read(fd, text.data() + have, text.size() - have);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return make_error(path + ": cannot read config file: " + std::strerror(err));
    }
    if (n == 0) break;
    have += static_cast<std::size_t>(n);
    if (have > static_cast<std::size_t>(k_max_config_size)) {
      ::close(fd);
      return make_error(path + ": config file is too large (at most 1 MiB)");
    }
  }
  ::close(fd);
  text.resize(have);
  return std::optional<std::string>{std::move(text)};
}

Result<YAML::Node> parse_yaml(std::string_view text, const std::string& file) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    std::string where = file;
    if (e.mark.line >= 0) where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    return make_error(where + ": YAML syntax error: " + e.msg);
  }
}

}  // namespace vg::config
