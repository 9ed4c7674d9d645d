// The places in a module's machine code that hold a value of this process rather than of the
// module: the address of a builtin, the engine-canonical id of a signature. The compiler writes
// the current values and records each place, so a serialized module's code can be loaded into
// another process (or engine) and pointed at its values there (applyRelocations).
#pragma once

#include <cstdint>
#include <span>

#include "runtime/result.h"

namespace wisp::runtime {

enum class RelocationKind : uint8_t {
  BuiltinAddress,  // 8 bytes: the address of builtin `target` (a builtins::Builtin)
  TypeId,          // 4 bytes: the canonical id of the module's type index `target`
};

struct Relocation {
  uint32_t code_offset = 0;  // of the value, in the module's code
  RelocationKind kind = RelocationKind::BuiltinAddress;
  uint32_t target = 0;
};

inline constexpr uint32_t relocationSize(RelocationKind kind) {
  return kind == RelocationKind::BuiltinAddress ? 8 : 4;
}

// Writes each relocation's value into `code`. Fails (writing nothing more) on a relocation
// that does not fit in `code` or names no builtin or type: a corrupted serialized module.
Result<void> applyRelocations(std::span<uint8_t> code, std::span<const Relocation> relocations,
                              std::span<const uint32_t> type_ids);

}  // namespace wisp::runtime
