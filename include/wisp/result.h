// Errors are values in the public API: every fallible call returns a Result<T> holding either
// the value or an Error that says what went wrong and where (byte offset, function index), or
// carries the Trap that ended a call into wasm.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace wisp {

class Tag;
class Val;
class Store;
template <typename T>
class Result;
namespace runtime {
struct ExceptionInstance;
}
namespace detail {
class StoreState;
struct Access;
}

// A wasm exception (exception handling): an instance of a Tag with its payload, owned by the
// store it was thrown in (for as long as the store lives). Equal when it is the same exception.
class Exception {
 public:
  // An exception of `tag` with `payload` (values of the tag's params), for a host function to
  // throw: it returns Error::fromException(exception).
  static Result<Exception> create(Store& store, const Tag& tag, std::span<const Val> payload);

  Tag tag() const;
  std::vector<Val> payload() const;  // one value per parameter of the tag's type
  bool operator==(const Exception&) const = default;

 private:
  friend struct detail::Access;
  Exception(runtime::ExceptionInstance* exception, detail::StoreState* store)
      : exception_(exception), store_(store) {}
  runtime::ExceptionInstance* exception_;
  detail::StoreState* store_;
};

// Why wasm stopped. Mirrors the runtime's trap kinds one to one.
enum class TrapKind : uint8_t {
  Unreachable,
  IntegerDivideByZero,
  IntegerOverflow,
  InvalidConversionToInteger,
  MemoryOutOfBounds,
  TableOutOfBounds,
  UndefinedElement,
  IndirectCallToNull,
  IndirectCallTypeMismatch,
  StackOverflow,
  NullReference,
  NullFunctionReference,
  UnalignedAtomic,
  OutOfFuel,
  Interrupted,
  HostError,  // raised by a host function, with its own message
  // A wasm exception that no handler caught before it reached the host (Trap::exception), or
  // one a host function throws into wasm (Error::fromException).
  UncaughtException,
  NullExceptionReference,  // throw_ref of a null exnref
};

inline constexpr uint32_t kUnknownOffset = UINT32_MAX;

struct Frame {
  uint32_t function_index = 0;
  std::string function_name;  // from the name section; may be empty
  uint32_t wasm_offset = kUnknownOffset;  // byte offset in the module binary
  uint32_t function_offset = kUnknownOffset;  // the same from the start of the function's body
};

struct Trap {
  TrapKind kind = TrapKind::Unreachable;
  // The spec's wording for wasm traps ("out of bounds memory access"); the host's message for
  // HostError.
  std::string message;
  std::vector<Frame> backtrace;  // innermost first
  bool backtrace_truncated = false;
  // For UncaughtException: the exception. A host function that returns this trap (as an
  // Error) throws it on into the wasm that called it, where a handler may catch it.
  std::optional<Exception> exception;

  // "wasm trap: out of bounds memory access\n  0: func[3] <name> @ 0x1a2"
  std::string describe() const;
};

enum class ErrorKind : uint8_t {
  Malformed,    // not a well-formed binary
  Invalid,      // well-formed but does not validate
  Compile,      // valid, but the compiler could not compile it (e.g. unsupported feature)
  Link,         // an import is missing or does not fit
  Resource,     // the system refused memory, or an implementation limit was reached
  Trap,         // wasm trapped (also during instantiation); see Error::trap
  Argument,     // the API was called with values of the wrong number, type or store
  // A serialized module that cannot be loaded: not one, truncated or corrupted, or made by
  // another version of Wisp, for another ISA or with settings this engine does not have.
  Deserialize,
};

const char* errorKindName(ErrorKind kind);

struct Error {
  static constexpr size_t kNoOffset = SIZE_MAX;
  static constexpr uint32_t kNoFunction = UINT32_MAX;

  Error() = default;
  Error(ErrorKind kind, std::string message) : kind(kind), message(std::move(message)) {}

  ErrorKind kind = ErrorKind::Argument;
  std::string message;
  size_t offset = kNoOffset;               // byte offset in the module binary, when known
  uint32_t function_index = kNoFunction;   // function whose body the error is in, when known
  std::optional<wisp::Trap> trap;          // for ErrorKind::Trap

  static Error fromTrap(wisp::Trap trap);
  // What a host function returns to throw `exception` into the wasm code that called it.
  static Error fromException(const Exception& exception);
  // "invalid module at byte 0x1f (function 3): type mismatch"; a trap's describe().
  std::string describe() const;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(state_); }
  Error& error() { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  // User-provided, so `return {};` sets the optional's flag alone: a defaulted constructor
  // would make value-initialization zero the whole Error first (some 150 bytes a call).
  Result() noexcept {}
  Result(Error error) : error_(std::move(error)) {}

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *error_; }
  Error& error() { return *error_; }

 private:
  std::optional<Error> error_;
};

}  // namespace wisp
