#pragma once
// UniqueFd: a file descriptor closed exactly once, when its owner goes away.

#include <unistd.h>

#include <utility>

namespace vg::sandbox::proxy {

// Own one file descriptor; close it on destruction or reset.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : m_fd(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.m_fd, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  // Return the descriptor (-1 when empty).
  int get() const { return m_fd; }
  // Return true when a descriptor is held.
  bool valid() const { return m_fd >= 0; }
  // Give up ownership and return the descriptor.
  int release() { return std::exchange(m_fd, -1); }
  // Close the held descriptor and take `fd` instead.
  void reset(int fd = -1) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = fd;
  }

 private:
  int m_fd = -1;
};

}  // namespace vg::sandbox::proxy
