#include "wasm/error.h"

#include <cstdio>

namespace wisp::wasm {

const char* errorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Malformed: return "malformed";
    case ErrorKind::Invalid: return "invalid";
    case ErrorKind::Unsupported: return "unsupported";
    case ErrorKind::Resource: return "out of resources for";
  }
  return "bad";
}

std::string Error::describe() const {
  char where[96];
  if (function_index != kNoFunction)
    std::snprintf(where, sizeof where, "at byte 0x%zx (function %u)", offset, function_index);
  else
    std::snprintf(where, sizeof where, "at byte 0x%zx", offset);
  return std::string(errorKindName(kind)) + " module " + where + ": " + message;
}

}  // namespace wisp::wasm
