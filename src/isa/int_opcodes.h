// What both MacroAssemblers need to know of wasm's integer opcodes: whether an operation is
// on i64, and its i32 twin (so one switch covers both widths).
#pragma once

#include "wasm/opcodes.h"

namespace wisp::isa {

inline bool isI64Op(wasm::Opcode op) {
  using enum wasm::Opcode;
  switch (op) {
    case I64Add: case I64Sub: case I64Mul: case I64And: case I64Or: case I64Xor: case I64Shl:
    case I64ShrS: case I64ShrU: case I64Rotl: case I64Rotr: case I64DivS: case I64DivU:
    case I64RemS: case I64RemU:
      return true;
    default:
      return false;
  }
}

inline wasm::Opcode narrowIntOp(wasm::Opcode op) {
  using enum wasm::Opcode;
  switch (op) {
    case I64Add: return I32Add;
    case I64Sub: return I32Sub;
    case I64Mul: return I32Mul;
    case I64And: return I32And;
    case I64Or: return I32Or;
    case I64Xor: return I32Xor;
    case I64Shl: return I32Shl;
    case I64ShrS: return I32ShrS;
    case I64ShrU: return I32ShrU;
    case I64Rotl: return I32Rotl;
    case I64Rotr: return I32Rotr;
    case I64DivS: return I32DivS;
    case I64DivU: return I32DivU;
    case I64RemS: return I32RemS;
    case I64RemU: return I32RemU;
    default: return op;
  }
}

}  // namespace wisp::isa
