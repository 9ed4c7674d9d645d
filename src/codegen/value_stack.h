// The compiler's abstract value stack: where each wasm operand lives right now.
//
// Invariants (checked by FunctionCompiler::checkInvariants in debug builds):
//  - each entry's slot is fixed when it is pushed, and slots grow strictly up the stack, so
//    spilling never overlaps another entry;
//  - a Reg entry owns its register alone (no other entry, no local holds it);
//  - a Flags entry is only ever the top one, consumed by the next instruction;
//  - a Local entry reads the local's current value wherever it is: before a local changes,
//    its aliases are materialized (FunctionCompiler::materializeLocalAliases);
//  - below the innermost control frame's height every entry is Stack (entering a frame spills).
#pragma once

#include <cstdint>
#include <vector>

#include "isa/reg.h"
#include "wasm/types.h"

namespace wisp::codegen {

// Small and trivially copyable (Liftoff's VarState), so snapshots and merges stay cheap.
struct VarState {
  enum class Loc : uint8_t {
    Stack,  // in its frame slot [rbp - slot]
    Reg,    // in `reg`, owned by this entry alone
    Const,  // the constant `bits`, not materialized until a user needs it
    Local,  // an alias of local `local`: local.get emits nothing until the local changes
    Flags,  // a comparison's outcome in the CPU flags (condition in `bits`); only ever the
            // top entry, consumed by the br_if, if or select right after the comparison
  };
  Loc loc = Loc::Stack;
  wasm::ValType type = wasm::ValType::I32;
  isa::Reg reg;
  // An i64 whose upper 32 bits are known to be zero (i64.extend_i32_u, an unsigned load of 32
  // bits or less): as a 64-bit memory's index it stays inside the guard region of any memory,
  // so with guard regions its access needs no check (memoryAccess). Set on the entry that
  // computed the value, and kept while the entry holds it (spills keep it, new values are
  // new entries).
  bool upper_zero = false;
  uint32_t local = 0;
  int32_t slot = 0;   // this entry's spill slot, fixed when it is pushed
  // The constant: i32 sign-extended to 64 bits, floats by their bits, a v128 by its index in
  // the function's V128Constants.
  uint64_t bits = 0;

  bool isReg() const { return loc == Loc::Reg; }
  bool isConst() const { return loc == Loc::Const; }
  // A constant usable as an x86 imm32 for this type's operation.
  bool isImm32() const {
    if (loc != Loc::Const) return false;
    if (type == wasm::ValType::I32) return true;
    const auto v = static_cast<int64_t>(bits);
    return type == wasm::ValType::I64 && v >= INT32_MIN && v <= INT32_MAX;
  }
};
static_assert(sizeof(VarState) <= 24);

// The v128 constants a function pushed, which a v128 Const entry names by index (its 128 bits
// would not fit a VarState).
struct V128Bits {
  uint64_t lo = 0, hi = 0;
};
using V128Constants = std::vector<V128Bits>;

}  // namespace wisp::codegen
