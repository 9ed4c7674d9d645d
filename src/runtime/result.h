// Errors are values in the runtime too: mapping memory or changing its protection can fail,
// and the caller decides what that means. The message names the operation and the OS reason.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace wisp::runtime {

struct Error {
  // "mmap of 8589934592 bytes (linear memory reservation) failed: Cannot allocate memory"
  std::string message;
};

// "<what> failed: <strerror(errno_value)>", thread-safe (strerror is not).
Error systemError(std::string what, int errno_value);

template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}
  Result(Error error) : state_(std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

template <>
class Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

}  // namespace wisp::runtime
