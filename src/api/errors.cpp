// Names and descriptions of the API's error, trap and type values.
#include <cstdio>

#include "api/conversions.h"

namespace wisp {

const char* errorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Malformed: return "malformed module";
    case ErrorKind::Invalid: return "invalid module";
    case ErrorKind::Compile: return "compile error";
    case ErrorKind::Link: return "link error";
    case ErrorKind::Resource: return "resource error";
    case ErrorKind::Trap: return "trap";
    case ErrorKind::Argument: return "bad argument";
    case ErrorKind::Deserialize: return "cannot load serialized module";
  }
  return "error";
}

Error Error::fromTrap(wisp::Trap trap) {
  Error error;
  error.kind = ErrorKind::Trap;
  error.message = trap.message;
  error.trap = std::move(trap);
  return error;
}

std::string Error::describe() const {
  if (kind == ErrorKind::Trap && trap) return trap->describe();
  std::string text = errorKindName(kind);
  if (offset != kNoOffset) {
    char where[48];
    std::snprintf(where, sizeof where, " at byte 0x%zx", offset);
    text += where;
  }
  if (function_index != kNoFunction) text += " (function " + std::to_string(function_index) + ")";
  return text + ": " + message;
}

std::string Trap::describe() const {
  runtime::Trap copy;
  copy.kind = static_cast<runtime::TrapKind>(kind);
  copy.message = message;
  for (const Frame& f : backtrace) copy.backtrace.push_back({f.function_index, f.function_name, f.wasm_offset, f.function_offset});
  copy.backtrace_truncated = backtrace_truncated;
  return copy.describe();
}

const char* valTypeName(ValType type) { return wasm::valTypeName(detail::toWasm(type)); }

const char* externKindName(ExternKind kind) {
  return wasm::externKindName(static_cast<wasm::ExternKind>(kind));
}

std::string FuncType::toString() const { return detail::toWasm(*this).toString(); }

}  // namespace wisp
