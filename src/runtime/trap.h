// A WebAssembly trap as a value: what happened and where, in wasm terms.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wisp::runtime {

enum class TrapKind : uint8_t {
  Unreachable,
  IntegerDivideByZero,
  IntegerOverflow,
  InvalidConversionToInteger,
  MemoryOutOfBounds,
  TableOutOfBounds,          // table.get/set and the bulk table instructions
  UndefinedElement,          // call_indirect with an index past the table's end
  IndirectCallToNull,        // call_indirect of a null (uninitialized) element
  IndirectCallTypeMismatch,
  StackOverflow,
  NullReference,             // ref.as_non_null, struct/array access on null
  NullFunctionReference,     // call_ref / return_call_ref of null
  UnalignedAtomic,
  OutOfFuel,
  Interrupted,               // epoch deadline reached
  HostError,                 // raised by a host function with its own message
  UncaughtException,         // a wasm exception no handler of the activation caught
  NullExceptionReference,    // throw_ref of null
};

inline constexpr uint8_t kTrapKindCount =
    static_cast<uint8_t>(TrapKind::NullExceptionReference) + 1;

// The text the spec test suite expects in assert_trap / assert_exhaustion, e.g.
// "out of bounds memory access"; "call stack exhausted" for StackOverflow.
std::string_view trapMessage(TrapKind kind);
// The enumerator's name, for diagnostics: "MemoryOutOfBounds".
std::string_view trapKindName(TrapKind kind);

inline constexpr uint32_t kUnknownWasmOffset = UINT32_MAX;

struct Frame {
  uint32_t function_index = 0;
  std::string function_name;  // from the name section; empty when there is none
  uint32_t wasm_offset = kUnknownWasmOffset;  // byte offset in the module binary
  uint32_t function_offset = kUnknownWasmOffset;  // the same from the start of the function's body

  bool operator==(const Frame&) const = default;
};

struct Trap {
  TrapKind kind = TrapKind::Unreachable;
  std::string message;
  std::vector<Frame> backtrace;  // innermost frame first
  bool backtrace_truncated = false;  // deeper frames were dropped (very deep recursion)
  // For UncaughtException: the exception (a VMException, the store's), so the host can look
  // at it or throw it on. Null otherwise.
  void* exception = nullptr;

  // "wasm trap: out of bounds memory access\n  0: func[3] <name> @ 0x1a2\n..."
  std::string describe() const;
};

Trap makeTrap(TrapKind kind);

}  // namespace wisp::runtime
