#include "runtime/trap.h"

#include <cstdio>

namespace wisp::runtime {

std::string_view trapMessage(TrapKind kind) {
  switch (kind) {
    case TrapKind::Unreachable: return "unreachable";
    case TrapKind::IntegerDivideByZero: return "integer divide by zero";
    case TrapKind::IntegerOverflow: return "integer overflow";
    case TrapKind::InvalidConversionToInteger: return "invalid conversion to integer";
    case TrapKind::MemoryOutOfBounds: return "out of bounds memory access";
    case TrapKind::TableOutOfBounds: return "out of bounds table access";
    case TrapKind::UndefinedElement: return "undefined element";
    case TrapKind::IndirectCallToNull: return "uninitialized element";
    case TrapKind::IndirectCallTypeMismatch: return "indirect call type mismatch";
    case TrapKind::StackOverflow: return "call stack exhausted";
    case TrapKind::NullReference: return "null reference";
    case TrapKind::NullFunctionReference: return "null function reference";
    case TrapKind::UnalignedAtomic: return "unaligned atomic";
    case TrapKind::OutOfFuel: return "all fuel consumed";
    case TrapKind::Interrupted: return "interrupt";
    case TrapKind::HostError: return "host error";
    case TrapKind::UncaughtException: return "uncaught exception";
    case TrapKind::NullExceptionReference: return "null exception reference";
  }
  return "unknown trap";
}

std::string_view trapKindName(TrapKind kind) {
  switch (kind) {
    case TrapKind::Unreachable: return "Unreachable";
    case TrapKind::IntegerDivideByZero: return "IntegerDivideByZero";
    case TrapKind::IntegerOverflow: return "IntegerOverflow";
    case TrapKind::InvalidConversionToInteger: return "InvalidConversionToInteger";
    case TrapKind::MemoryOutOfBounds: return "MemoryOutOfBounds";
    case TrapKind::TableOutOfBounds: return "TableOutOfBounds";
    case TrapKind::UndefinedElement: return "UndefinedElement";
    case TrapKind::IndirectCallToNull: return "IndirectCallToNull";
    case TrapKind::IndirectCallTypeMismatch: return "IndirectCallTypeMismatch";
    case TrapKind::StackOverflow: return "StackOverflow";
    case TrapKind::NullReference: return "NullReference";
    case TrapKind::NullFunctionReference: return "NullFunctionReference";
    case TrapKind::UnalignedAtomic: return "UnalignedAtomic";
    case TrapKind::OutOfFuel: return "OutOfFuel";
    case TrapKind::Interrupted: return "Interrupted";
    case TrapKind::HostError: return "HostError";
    case TrapKind::UncaughtException: return "UncaughtException";
    case TrapKind::NullExceptionReference: return "NullExceptionReference";
  }
  return "Unknown";
}

Trap makeTrap(TrapKind kind) { return Trap{kind, std::string(trapMessage(kind)), {}, false, nullptr}; }

std::string Trap::describe() const {
  std::string text = "wasm trap: " + message;
  for (size_t i = 0; i < backtrace.size(); ++i) {
    const Frame& frame = backtrace[i];
    char line[96];
    std::snprintf(line, sizeof line, "\n  %zu: func[%u]", i, frame.function_index);
    text += line;
    if (!frame.function_name.empty()) text += " <" + frame.function_name + ">";
    if (frame.wasm_offset != kUnknownWasmOffset) {
      std::snprintf(line, sizeof line, " @ 0x%x", frame.wasm_offset);
      text += line;
    }
  }
  if (backtrace_truncated) text += "\n  ... (deeper frames omitted)";
  return text;
}

}  // namespace wisp::runtime
