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

// Where the target has no SIMD code (x86-64 below SSE4.1, or an engine told to use less; AArch64
// for now), a compile error names that instead of instructions it cannot run.
bool FunctionCompiler::refuseSimdTheTargetLacks() {
  const char* reason = masm_.simdUnavailable();
  if (reason == nullptr) return false;
  markUnsupported(reason);
  return true;
}

void FunctionCompiler::visitV128Const(const uint8_t* bytes) {
  if (dead_ || refuseSimdTheTargetLacks()) return;
  V128Bits bits;
  std::memcpy(&bits.lo, bytes, 8);
  std::memcpy(&bits.hi, bytes + 8, 8);
  // Kept as a constant until a user needs it: stores and spills write its halves, and an
  // operation that can read it from memory takes it from the constant pool.
  v128_constants_.push_back(bits);
  pushConst(ValType::V128, v128_constants_.size() - 1);
}

namespace {
// Relaxed SIMD, deterministically: each relaxed instruction does what its strict counterpart
// does (the rounding, NaN and out-of-range results the strict one defines are among those the
// relaxed one allows), madd and nmadd round twice (no FMA, so every CPU gives the same), and
// the dot products read the i7 operand as unsigned and saturate, as pmaddubsw does.
Opcode strictCounterpart(Opcode op) {
  switch (op) {
    case Opcode::I8x16RelaxedSwizzle: return Opcode::I8x16Swizzle;
    case Opcode::I32x4RelaxedTruncF32x4S: return Opcode::I32x4TruncSatF32x4S;
    case Opcode::I32x4RelaxedTruncF32x4U: return Opcode::I32x4TruncSatF32x4U;
    case Opcode::I32x4RelaxedTruncF64x2SZero: return Opcode::I32x4TruncSatF64x2SZero;
    case Opcode::I32x4RelaxedTruncF64x2UZero: return Opcode::I32x4TruncSatF64x2UZero;
    case Opcode::I8x16RelaxedLaneselect: case Opcode::I16x8RelaxedLaneselect:
    case Opcode::I32x4RelaxedLaneselect: case Opcode::I64x2RelaxedLaneselect:
      return Opcode::V128Bitselect;
    case Opcode::F32x4RelaxedMin: return Opcode::F32x4Min;
    case Opcode::F32x4RelaxedMax: return Opcode::F32x4Max;
    case Opcode::F64x2RelaxedMin: return Opcode::F64x2Min;
    case Opcode::F64x2RelaxedMax: return Opcode::F64x2Max;
    case Opcode::I16x8RelaxedQ15mulrS: return Opcode::I16x8Q15mulrSatS;
    default: return op;
  }
}
}  // namespace

// A binary operation with a v128.const operand reads it from the constant pool, when one
// instruction can: no register for the constant.
bool FunctionCompiler::visitSimdBinopWithConstant(Opcode op) {
  bool commutative;
  if (!isa::MacroAssembler::simdBinopTakesConstant(op, &commutative)) return false;
  auto isConstant = [](const VarState& s) { return s.isConst() && s.type == ValType::V128; };
  VarState constant;
  if (isConstant(peek())) {
    constant = pop();
  } else if (commutative && isConstant(peek(1))) {
    constant = peek(1);
    stack_.erase(stack_.end() - 2);  // the other operand is popped at once
  } else {
    return false;
  }
  Reg lhs;
  bool lhs_owned;
  const Reg dst = popDestination({}, &lhs, &lhs_owned);
  const V128Bits& bits = v128_constants_[constant.bits];
  masm_.simdBinopConstant(op, dst, lhs, bits.lo, bits.hi);
  if (lhs != dst) releaseRead(lhs, lhs_owned);
  pushReg(ValType::V128, dst);
  return true;
}

bool FunctionCompiler::visitSimdNumeric(Opcode original) {
  using isa::MacroAssembler;
  if (refuseSimdTheTargetLacks()) return true;
  const Opcode op = strictCounterpart(original);
  const MacroAssembler::SimdNeeds needs = MacroAssembler::simdNeeds(op);
  auto takeTemp = [&](RegSet exclude) {
    return needs.temp ? allocReg(RegClass::Fp, exclude) : Reg();
  };
  if (MacroAssembler::simdBinopSupported(op)) {
    if (visitSimdBinopWithConstant(op)) return true;
    bool rhs_owned, lhs_owned;
    const Reg rhs = popForRead({}, &rhs_owned);
    Reg lhs, dst;
    if (needs.fresh_dst) {
      lhs = popForRead(RegSet::of(rhs), &lhs_owned);
      dst = allocRegFor(ValType::V128, RegSet::of(lhs).with(rhs));
    } else {
      dst = popDestination(RegSet::of(rhs), &lhs, &lhs_owned);
    }
    const Reg temp = takeTemp(RegSet::of(lhs).with(rhs).with(dst));
    masm_.simdBinop(op, dst, lhs, rhs, temp);
    if (temp.valid()) freeReg(temp);
    if (lhs != dst) releaseRead(lhs, lhs_owned);
    releaseRead(rhs, rhs_owned);
    pushReg(ValType::V128, dst);
    return true;
  }
  if (MacroAssembler::simdUnopSupported(op)) {
    Reg src, dst;
    bool src_owned;
    if (needs.fresh_dst) {
      src = popForRead({}, &src_owned);
      dst = allocRegFor(ValType::V128, RegSet::of(src));
    } else {
      dst = popDestination({}, &src, &src_owned);
    }
    const Reg temp = takeTemp(RegSet::of(src).with(dst));
    masm_.simdUnop(op, dst, src, temp);
    if (temp.valid()) freeReg(temp);
    if (src != dst) releaseRead(src, src_owned);
    pushReg(ValType::V128, dst);
    return true;
  }
  if (MacroAssembler::simdShiftSupported(op)) {
    if (peek().isConst()) {  // the immediate forms
      const auto count = static_cast<uint32_t>(pop().bits);
      Reg src;
      bool src_owned;
      const Reg dst = popDestination({}, &src, &src_owned);
      const Reg temp = takeTemp(RegSet::of(src).with(dst));
      masm_.simdShiftImm(op, dst, src, count, temp);
      if (temp.valid()) freeReg(temp);
      if (src != dst) releaseRead(src, src_owned);
      pushReg(ValType::V128, dst);
      return true;
    }
    bool count_owned;
    const Reg count = popForRead({}, &count_owned);
    Reg src;
    bool src_owned;
    const Reg dst = popDestination(RegSet::of(count), &src, &src_owned);
    const Reg temp = takeTemp(RegSet::of(src).with(dst));
    masm_.simdShift(op, dst, src, count, temp);
    if (temp.valid()) freeReg(temp);
    if (src != dst) releaseRead(src, src_owned);
    releaseRead(count, count_owned);
    pushReg(ValType::V128, dst);
    return true;
  }
  if (MacroAssembler::simdToIntSupported(op)) {
    bool src_owned;
    const Reg src = popForRead({}, &src_owned);
    const Reg dst = allocReg(RegClass::Gp);
    masm_.simdToInt(op, dst, src);
    releaseRead(src, src_owned);
    pushReg(ValType::I32, dst);
    return true;
  }
  switch (op) {
    case Opcode::F32x4RelaxedMadd: case Opcode::F32x4RelaxedNmadd: case Opcode::F64x2RelaxedMadd:
    case Opcode::F64x2RelaxedNmadd: case Opcode::I32x4RelaxedDotI8x16I7x16AddS: {
      bool c_owned, b_owned, a_owned;
      const Reg c = popForRead({}, &c_owned);
      const Reg b = popForRead(RegSet::of(c), &b_owned);
      const Reg a = popForRead(RegSet::of(c).with(b), &a_owned);
      const Reg dst = allocRegFor(ValType::V128, RegSet::of(a).with(b).with(c));
      masm_.simdTernary(op, dst, a, b, c);
      releaseRead(a, a_owned);
      releaseRead(b, b_owned);
      releaseRead(c, c_owned);
      pushReg(ValType::V128, dst);
      return true;
    }
    case Opcode::V128Bitselect: {
      bool mask_owned, v2_owned;
      const Reg mask = popForRead({}, &mask_owned);
      const Reg v2 = popForRead(RegSet::of(mask), &v2_owned);
      Reg v1;
      bool v1_owned;
      const Reg dst = popDestination(RegSet::of(mask).with(v2), &v1, &v1_owned);
      masm_.simdBitselect(dst, v1, v2, mask);
      if (v1 != dst) releaseRead(v1, v1_owned);
      releaseRead(v2, v2_owned);
      releaseRead(mask, mask_owned);
      pushReg(ValType::V128, dst);
      return true;
    }
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

// A shuffle with a constant operand is a shuffle of the other one, with the constant's lanes
// zeroed and or-ed in: clang's zero extensions and interleaves with zero, say. Two constants
// fold.
bool FunctionCompiler::visitShuffleWithConstant(const uint8_t* lanes) {
  auto isConstant = [](const VarState& s) { return s.isConst() && s.type == ValType::V128; };
  const bool rhs_constant = isConstant(peek()), lhs_constant = isConstant(peek(1));
  if (!rhs_constant && !lhs_constant) return false;
  uint8_t operand_bytes[2][16] = {};
  if (lhs_constant) std::memcpy(operand_bytes[0], &v128_constants_[peek(1).bits], 16);
  if (rhs_constant) std::memcpy(operand_bytes[1], &v128_constants_[peek().bits], 16);
  uint8_t mask[16], constant_bytes[16];
  for (int i = 0; i < 16; ++i) {
    const uint8_t lane = lanes[i] & 31;
    const bool from_constant = lane < 16 ? lhs_constant : rhs_constant;
    mask[i] = from_constant ? 0x80 : (lane & 15);
    constant_bytes[i] = from_constant ? operand_bytes[lane / 16][lane & 15] : 0;
  }
  V128Bits folded;
  std::memcpy(&folded.lo, constant_bytes, 8);
  std::memcpy(&folded.hi, constant_bytes + 8, 8);
  if (rhs_constant && lhs_constant) {
    stack_.truncate(stack_.size() - 2);  // constants own nothing
    v128_constants_.push_back(folded);
    pushConst(ValType::V128, v128_constants_.size() - 1);
    return true;
  }
  if (rhs_constant) pop();
  else stack_.erase(stack_.end() - 2);  // the other operand is popped at once
  Reg src;
  bool src_owned;
  const Reg dst = popDestination({}, &src, &src_owned);
  masm_.simdShuffleOne(dst, src, mask, folded.lo, folded.hi);
  if (src != dst) releaseRead(src, src_owned);
  pushReg(ValType::V128, dst);
  return true;
}

void FunctionCompiler::visitShuffle(const uint8_t* lanes) {
  if (dead_ || refuseSimdTheTargetLacks()) return;
  if (visitShuffleWithConstant(lanes)) return;
  bool rhs_owned;
  const Reg rhs = popForRead({}, &rhs_owned);
  Reg lhs;
  bool lhs_owned;
  const Reg dst = popDestination(RegSet::of(rhs), &lhs, &lhs_owned);
  const Reg temp = allocReg(RegClass::Fp, RegSet::of(lhs).with(rhs).with(dst));
  masm_.simdShuffle(dst, lhs, rhs, lanes, temp);
  freeReg(temp);
  if (lhs != dst) releaseRead(lhs, lhs_owned);
  releaseRead(rhs, rhs_owned);
  pushReg(ValType::V128, dst);
}

void FunctionCompiler::visitLane(Opcode op, uint8_t lane) {
  if (dead_ || refuseSimdTheTargetLacks()) return;
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
