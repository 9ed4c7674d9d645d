#include "trampoline_listing.h"

#include <vector>

#include "listing.h"
#include "runtime/trap_handler.h"
#include "trampoline/trampolines.h"

namespace wisp::disas {
namespace {

using wasm::ValType;

wasm::FuncType funcType(std::vector<ValType> params, std::vector<ValType> results) {
  wasm::FuncType type;
  type.param_count = static_cast<uint32_t>(params.size());
  type.types = std::move(params);
  type.types.insert(type.types.end(), results.begin(), results.end());
  return type;
}

std::vector<wasm::FuncType> signatures() {
  constexpr ValType I = ValType::I32, L = ValType::I64, F = ValType::F32, D = ValType::F64,
                    V = ValType::V128;
  return {
      funcType({}, {}),
      funcType({I, L, F, D}, {I}),
      // 7 integers and 9 floats: one of each class goes on the stack (6 GP, 8 FP registers).
      funcType({I, D, L, F, I, D, L, F, I, D, L, F, I, D, F, D}, {D}),
      // 3 integer and 3 float results: two of each class in registers, the rest on the stack.
      funcType({I}, {I, F, L, D, I, F}),
      // A v128 result: the C convention returns it with its status through memory.
      funcType({V, I, V}, {V}),
  };
}

}  // namespace

std::string listTrampolines(const Disassembler& disassembler) {
  trampoline::TrampolineCache cache;
  struct Kind {
    const char* name;
    void* (*make)(trampoline::TrampolineCache&, const wasm::FuncType&);
    bool native;  // the C convention returns one value at most
  };
  const Kind kinds[] = {
      {"array-to-wasm",
       [](auto& c, const auto& t) { return reinterpret_cast<void*>(c.arrayToWasm(t)); }, false},
      {"native-to-wasm", [](auto& c, const auto& t) { return c.nativeToWasm(t); }, true},
      {"wasm-to-array", [](auto& c, const auto& t) { return c.wasmToArray(t); }, false},
      {"wasm-to-native", [](auto& c, const auto& t) { return c.wasmToNative(t); }, true},
      {"wasm-to-native-direct", [](auto& c, const auto& t) { return c.wasmToNativeDirect(t); },
       true},
  };
  std::string text;
  for (const wasm::FuncType& type : signatures()) {
    for (const Kind& kind : kinds) {
      if (!text.empty()) text += '\n';
      text += ";; " + std::string(kind.name) + " " + type.toString() + "\n";
      if (kind.native && type.results().size() > 1) {
        text += ";; (none: a C function returns one value at most)\n";
        continue;
      }
      void* entry = kind.make(cache, type);
      if (entry == nullptr) {
        text += ";; (the cache made no trampoline)\n";
        continue;
      }
      ListingNotes notes;
      notes.thread_entry_state_offset = runtime::threadEntryStateOffset();
      text += listCode(disassembler, cache.codeOf(entry), notes);
    }
  }
  return text;
}

}  // namespace wisp::disas
