// SIMD: v128 values live in vector registers (the Fp class) and 16-byte slots; the lane-wise
// operations are the MacroAssembler's (simdBinop, simdUnop, splats and lanes). What the
// MacroAssembler does not offer yet is refused loudly (markUnsupported), so a module that uses
// it fails to compile with the instruction's name rather than running wrong.
#include <cstring>

#include "codegen/function_compiler.h"

namespace wisp::codegen {

using isa::Reg;
using isa::RegClass;
using isa::RegSet;
using wasm::Opcode;
using wasm::ValType;

void FunctionCompiler::visitV128Const(const uint8_t* bytes) {
  if (dead_) return;
  uint64_t lo, hi;
  std::memcpy(&lo, bytes, 8);
  std::memcpy(&hi, bytes + 8, 8);
  const Reg dst = allocRegFor(ValType::V128);
  masm_.v128Const(dst, lo, hi);
  pushReg(ValType::V128, dst);
}

bool FunctionCompiler::visitSimdNumeric(Opcode op) {
  if (isa::MacroAssembler::simdBinopSupported(op)) {
    bool rhs_owned;
    const Reg rhs = popForRead({}, &rhs_owned);
    Reg lhs;
    bool lhs_owned;
    const Reg dst = popDestination(RegSet::of(rhs), &lhs, &lhs_owned);
    masm_.simdBinop(op, dst, lhs, rhs);
    if (lhs != dst) releaseRead(lhs, lhs_owned);
    releaseRead(rhs, rhs_owned);
    pushReg(ValType::V128, dst);
    return true;
  }
  if (isa::MacroAssembler::simdUnopSupported(op)) {
    Reg src;
    bool src_owned;
    const Reg dst = popDestination({}, &src, &src_owned);
    masm_.simdUnop(op, dst, src);
    if (src != dst) releaseRead(src, src_owned);
    pushReg(ValType::V128, dst);
    return true;
  }
  switch (op) {
    case Opcode::I8x16Splat: case Opcode::I16x8Splat: case Opcode::I32x4Splat:
    case Opcode::I64x2Splat: case Opcode::F32x4Splat: case Opcode::F64x2Splat: {
      bool src_owned;
      const Reg src = popForRead({}, &src_owned);
      const Reg dst = allocRegFor(ValType::V128, RegSet::of(src));
      masm_.simdSplat(op, dst, src);
      releaseRead(src, src_owned);
      pushReg(ValType::V128, dst);
      return true;
    }
    default:
      return false;
  }
}

void FunctionCompiler::visitLane(Opcode op, uint8_t lane) {
  if (dead_) return;
  const wasm::OperandSig sig = wasm::operandSig(wasm::opcodeInfo(op).sig);
  if (sig.result != ValType::V128) {  // extract_lane
    bool src_owned;
    const Reg src = popForRead({}, &src_owned);
    const Reg dst = allocRegFor(sig.result, RegSet::of(src));
    masm_.simdExtractLane(op, dst, src, lane);
    releaseRead(src, src_owned);
    pushReg(sig.result, dst);
    return;
  }
  bool scalar_owned;
  const Reg scalar = popForRead({}, &scalar_owned);
  Reg vec;
  bool vec_owned;
  const Reg dst = popDestination(RegSet::of(scalar), &vec, &vec_owned);
  if (dst != vec) masm_.move(dst, vec, ValType::V128);
  masm_.simdReplaceLane(op, dst, scalar, lane);
  if (vec != dst) releaseRead(vec, vec_owned);
  releaseRead(scalar, scalar_owned);
  pushReg(ValType::V128, dst);
}

}  // namespace wisp::codegen
