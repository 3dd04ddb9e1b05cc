#pragma once
// Result<T>: a value or an error, for failures that callers handle.
// (C++20 has no std::expected.) Fatal errors that end vg are thrown once as
// vg::Fatal and caught in vg::run.

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace vg {

// A failure that callers are expected to handle; `message` says what, why, hint.
struct Error {
  std::string message;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : m_v(std::move(value)) {}
  Result(Error error) : m_v(std::move(error)) {}

  bool ok() const { return m_v.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(m_v); }
  const T& value() const& { return std::get<0>(m_v); }
  T&& value() && { return std::get<0>(std::move(m_v)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const { return std::get<1>(m_v); }

 private:
  std::variant<T, Error> m_v;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : m_error(std::move(error)), m_failed(true) {}
  bool ok() const { return !m_failed; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return m_error; }

 private:
  Error m_error;
  bool m_failed = false;
};

// Build an Error from a message.
inline Error make_error(std::string message) { return Error{std::move(message)}; }

// Thrown for failures that end the process; caught once in vg::run, which
// prints "vg: error: <what>" and exits with `exit_code`.
class Fatal : public std::runtime_error {
 public:
  Fatal(int exit_code, const std::string& what) : std::runtime_error(what), m_exit_code(exit_code) {}
  int exit_code() const { return m_exit_code; }

 private:
  int m_exit_code;
};

}  // namespace vg
