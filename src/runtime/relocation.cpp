#include "runtime/relocation.h"

#include <cstring>
#include <string>

#include "runtime/builtins.h"

namespace wisp::runtime {

Result<void> applyRelocations(std::span<uint8_t> code, std::span<const Relocation> relocations,
                              std::span<const uint32_t> type_ids) {
  for (const Relocation& r : relocations) {
    const uint32_t size = relocationSize(r.kind);
    if (r.code_offset > code.size() || code.size() - r.code_offset < size)
      return Error{"relocation at code offset " + std::to_string(r.code_offset) +
                   " is past the end of the code (" + std::to_string(code.size()) + " bytes)"};
    switch (r.kind) {
      case RelocationKind::BuiltinAddress: {
        if (r.target >= builtins::kBuiltinCount)
          return Error{"relocation at code offset " + std::to_string(r.code_offset) +
                       " names builtin " + std::to_string(r.target) + ", which does not exist"};
        const uint64_t address = reinterpret_cast<uint64_t>(
            builtins::address(static_cast<builtins::Builtin>(r.target)));
        std::memcpy(code.data() + r.code_offset, &address, 8);
        break;
      }
      case RelocationKind::TypeId: {
        if (r.target >= type_ids.size())
          return Error{"relocation at code offset " + std::to_string(r.code_offset) +
                       " names type " + std::to_string(r.target) + " of a module with " +
                       std::to_string(type_ids.size()) + " types"};
        const uint32_t id = type_ids[r.target];
        std::memcpy(code.data() + r.code_offset, &id, 4);
        break;
      }
      default:
        return Error{"relocation at code offset " + std::to_string(r.code_offset) +
                     " has unknown kind " + std::to_string(static_cast<unsigned>(r.kind))};
    }
  }
  return {};
}

}  // namespace wisp::runtime
