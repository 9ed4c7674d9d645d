// The golden text of a module: the code of every defined function, each under a header with
// its index, name and type, annotated with call targets, builtins, trap sites and the wasm
// instructions the address map points at.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "codegen/module_compiler.h"
#include "wasm/features.h"
#include "disassembler.h"

namespace wisp::disas {

struct ModuleListing {
  std::string text;
  std::string error;  // why the module could not be listed; empty on success
};

// Decodes `wasm` with `features` and compiles it (through the compiler directly, with
// made-up canonical type ids: each type's index), then lists its code.
ModuleListing listModule(const Disassembler& disassembler, std::span<const uint8_t> wasm,
                         const wasm::Features& features, const codegen::CompileOptions& options);

}  // namespace wisp::disas
