// Errors are values: the decoder and validator record the first error and stop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace wisp::wasm {

// The spec's two categories of rejected modules: malformed (not a well-formed binary)
// and invalid (well-formed but ill-typed or referring to things that do not exist); then
// valid modules Wisp cannot compile yet, and resources the system refused.
enum class ErrorKind : uint8_t { Malformed, Invalid, Unsupported, Resource };

inline constexpr uint32_t kNoFunction = UINT32_MAX;

struct Error {
  ErrorKind kind = ErrorKind::Malformed;
  std::string message;
  size_t offset = 0;                 // byte offset in the module binary
  uint32_t function_index = kNoFunction;  // set for errors inside a function body

  // "malformed module at byte 0x1f (function 3): unexpected end"
  std::string describe() const;
};

const char* errorKindName(ErrorKind kind);

}  // namespace wisp::wasm
