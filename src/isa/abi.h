// Where a signature's parameters and results go under a calling convention: registers in
// order, then stack slots. Generic over the ISA; each ISA names its conventions' registers.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "isa/reg.h"
#include "wasm/types.h"

namespace wisp::isa {

struct CallingConvention {
  std::span<const Reg> gp_params;
  std::span<const Reg> fp_params;
  std::span<const Reg> gp_results;
  std::span<const Reg> fp_results;
};

struct ABIArg {
  wasm::ValType type = wasm::ValType::I32;
  Reg reg;                    // valid when passed in a register
  uint32_t stack_offset = 0;  // otherwise: the offset in its stack area
  bool inRegister() const { return reg.valid(); }
};

// At a call in the wasm convention, the caller's outgoing area holds the stack parameters at
// [sp, sp + stackParamAreaBytes()) and room for the stack results right after them; the
// callee sees them above its return address. The callee pops the parameter area as it returns
// (`ret N`), so the caller finds its stack results at the stack pointer.
//
// Why the callee pops: a tail call replaces the caller's frame with a callee whose parameter
// area may be larger than the caller's own. With the callee popping, the area's size is the
// business of whoever runs last (V8's wasm frames and Cranelift's `tail` convention do the
// same), and the results, which both have alike, stay where the first caller reserved them:
// each area ends where the results begin. The area is rounded to 16 so that moving it keeps
// the stack aligned.
struct ABISig {
  std::vector<ABIArg> params;
  std::vector<ABIArg> results;
  uint32_t stack_param_bytes = 0;
  uint32_t stack_result_bytes = 0;
  // The parameters' part of the outgoing area (what the callee pops), 16-byte aligned.
  uint32_t stackParamAreaBytes() const { return (stack_param_bytes + 15) & ~15u; }
  // The outgoing area: parameters, then results; 16-byte aligned.
  uint32_t stackAreaBytes() const {
    return stackParamAreaBytes() + ((stack_result_bytes + 15) & ~15u);
  }
};

inline bool isFpType(wasm::ValType t) {
  return t == wasm::ValType::F32 || t == wasm::ValType::F64 || t == wasm::ValType::V128;
}

inline uint32_t stackSlotSize(wasm::ValType t) { return t == wasm::ValType::V128 ? 16 : 8; }

inline std::vector<ABIArg> assignLocations(std::span<const wasm::ValType> types,
                                           std::span<const Reg> gp, std::span<const Reg> fp,
                                           uint32_t* stack_bytes) {
  std::vector<ABIArg> out;
  out.reserve(types.size());
  size_t next_gp = 0, next_fp = 0;
  uint32_t offset = 0;
  for (wasm::ValType t : types) {
    ABIArg arg;
    arg.type = t;
    if (isFpType(t) ? next_fp < fp.size() : next_gp < gp.size()) {
      arg.reg = isFpType(t) ? fp[next_fp++] : gp[next_gp++];
    } else {
      const uint32_t size = stackSlotSize(t);
      offset = (offset + size - 1) & ~(size - 1);
      arg.stack_offset = offset;
      offset += size;
    }
    out.push_back(arg);
  }
  *stack_bytes = offset;
  return out;
}

inline ABISig computeSignature(const wasm::FuncType& type, const CallingConvention& cc) {
  ABISig sig;
  sig.params = assignLocations(type.params(), cc.gp_params, cc.fp_params, &sig.stack_param_bytes);
  sig.results =
      assignLocations(type.results(), cc.gp_results, cc.fp_results, &sig.stack_result_bytes);
  return sig;
}

}  // namespace wisp::isa
