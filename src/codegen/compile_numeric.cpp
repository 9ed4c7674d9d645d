// Constants, locals, parametric instructions and the numeric operations.
#include <cstring>

#include "codegen/function_compiler.h"
#include "runtime/builtins.h"

namespace wisp::codegen {

using isa::Reg;
using isa::RegClass;
using isa::RegSet;
using runtime::TrapKind;
using wasm::Opcode;
using wasm::ValType;

void FunctionCompiler::visitI32Const(int32_t value) {
  if (!dead_) pushConst(ValType::I32, static_cast<uint64_t>(static_cast<int64_t>(value)));
}
void FunctionCompiler::visitI64Const(int64_t value) {
  if (!dead_) pushConst(ValType::I64, static_cast<uint64_t>(value));
}
void FunctionCompiler::visitF32Const(uint32_t bits) {
  if (!dead_) pushConst(ValType::F32, bits);
}
void FunctionCompiler::visitF64Const(uint64_t bits) {
  if (!dead_) pushConst(ValType::F64, bits);
}

// ---- locals and parametric --------------------------------------------------------------------

void FunctionCompiler::visitLocalGet(uint32_t index) {
  if (dead_) return;
  if (const KnownV128Local* known = knownV128Local(index)) {
    pushConst(ValType::V128, known->constant);
    return;
  }
  VarState s;
  s.loc = VarState::Loc::Local;
  s.type = local_types_[index];
  s.local = index;
  push(s);
}

void FunctionCompiler::visitLocalSet(uint32_t index) {
  if (dead_) return;
  const VarState s = pop();
  if (s.loc == VarState::Loc::Local && s.local == index) return;  // x = x
  materializeLocalAliases(index);
  assignLocal(index, s);
  noteLocalWrite(index, s);
}

// local.tee: local.set, and the stack keeps an alias of the local (or the constant), so later
// reads of the value use the local's register.
void FunctionCompiler::visitLocalTee(uint32_t index) {
  if (dead_) return;
  VarState s = stack_.back();
  if (s.loc == VarState::Loc::Local && s.local == index) return;
  stack_.pop_back();
  materializeLocalAliases(index);
  assignLocal(index, s);
  noteLocalWrite(index, s);
  if (!s.isConst()) {
    s.loc = VarState::Loc::Local;
    s.local = index;
    s.reg = Reg();
  }
  push(s);
}

// clang keeps a v128.const it uses more than once in a local (local.tee), where the uses find
// a local, not a constant. Until the next join, a read of such a local is the constant again,
// so the instructions that can take a constant operand do (a shuffle or an and with a zero or
// mask constant, say).
FunctionCompiler::KnownV128Local* FunctionCompiler::knownV128Local(uint32_t local) {
  for (uint32_t i = 0; i < known_v128_count_; ++i)
    if (known_v128_[i].local == local) return &known_v128_[i];
  return nullptr;
}

void FunctionCompiler::noteLocalWrite(uint32_t local, const VarState& value) {
  KnownV128Local* known = knownV128Local(local);
  if (value.isConst() && value.type == ValType::V128) {
    if (known == nullptr) {
      if (known_v128_count_ == std::size(known_v128_)) return;
      known = &known_v128_[known_v128_count_++];
      known->local = local;
    }
    known->constant = value.bits;
  } else if (known != nullptr) {
    *known = known_v128_[--known_v128_count_];
  }
}

void FunctionCompiler::visitDrop() {
  if (dead_) return;
  const VarState s = pop();
  if (s.isReg()) freeReg(s.reg);
}

void FunctionCompiler::visitSelect(ValType type) {
  if (dead_) return;
  // The condition and the false value are only read; the result goes over the true value
  // (or into a fresh register when that is a local's).
  bool cond_owned, false_owned, true_owned;
  const Reg cond = popForRead({}, &cond_owned);
  const Reg if_false = popForRead(RegSet::of(cond), &false_owned);
  Reg if_true;
  const Reg dst = popDestination(RegSet::of(cond, if_false), &if_true, &true_owned);
  masm_.select(type, dst, cond, if_true, if_false);
  releaseRead(cond, cond_owned);
  releaseRead(if_false, false_owned);
  if (if_true != dst) releaseRead(if_true, true_owned);
  pushReg(type, dst);
}

// ---- numeric ------------------------------------------------------------------------------------

namespace {

// Folds an integer operation on two constants; false when the operation must run (division
// may trap, and is left to the generated code).
bool foldInt(Opcode op, uint64_t a, uint64_t b, uint64_t* out) {
  const auto a32 = static_cast<uint32_t>(a), b32 = static_cast<uint32_t>(b);
  auto i32 = [&](uint32_t v) { *out = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v))); return true; };
  switch (op) {
    case Opcode::I32Add: return i32(a32 + b32);
    case Opcode::I32Sub: return i32(a32 - b32);
    case Opcode::I32Mul: return i32(a32 * b32);
    case Opcode::I32And: return i32(a32 & b32);
    case Opcode::I32Or: return i32(a32 | b32);
    case Opcode::I32Xor: return i32(a32 ^ b32);
    case Opcode::I32Shl: return i32(a32 << (b32 & 31));
    case Opcode::I32ShrU: return i32(a32 >> (b32 & 31));
    case Opcode::I64Add: *out = a + b; return true;
    case Opcode::I64Sub: *out = a - b; return true;
    case Opcode::I64Mul: *out = a * b; return true;
    case Opcode::I64And: *out = a & b; return true;
    case Opcode::I64Or: *out = a | b; return true;
    case Opcode::I64Xor: *out = a ^ b; return true;
    case Opcode::I64Shl: *out = a << (b & 63); return true;
    case Opcode::I64ShrU: *out = a >> (b & 63); return true;
    default: return false;
  }
}

ValType resultTypeOf(Opcode op) {
  const wasm::OperandSig& sig = wasm::operandSig(wasm::opcodeInfo(op).sig);
  return sig.result;
}

ValType paramTypeOf(Opcode op) {
  const wasm::OperandSig& sig = wasm::operandSig(wasm::opcodeInfo(op).sig);
  return sig.params[0];
}

}  // namespace

void FunctionCompiler::emitIntBinop(Opcode op, ValType type) {
  if (peek().isConst() && peek(1).isConst()) {
    uint64_t folded;
    if (foldInt(op, peek(1).bits, peek().bits, &folded)) {
      pop();
      pop();
      pushConst(type, folded);
      return;
    }
  }
  if (peek().isImm32()) {
    const auto imm = static_cast<int32_t>(peek().bits);
    if (peek(1).isReg()) {
      // The usual link of a chain, (x & 255) << 2: what popDestination does for a register of
      // the operand's own, without its general cases (the hint scan sees no Reg entry).
      const Reg lhs = peek(1).reg;
      stack_.truncate(stack_.size() - 2);
      const Reg hint = takeHintedResultReg(type, {});
      const Reg dst = hint.valid() ? hint : lhs;
      masm_.intBinopImm(op, dst, lhs, imm);
      if (lhs != dst) freeReg(lhs);
      pushReg(type, dst);
      return;
    }
    pop();
    Reg lhs;
    bool lhs_owned;
    const Reg dst = popDestination({}, &lhs, &lhs_owned);
    masm_.intBinopImm(op, dst, lhs, imm);
    if (lhs != dst) releaseRead(lhs, lhs_owned);
    pushReg(type, dst);
    return;
  }
  bool rhs_owned;
  const Reg rhs = popForRead({}, &rhs_owned);
  Reg lhs;
  bool lhs_owned;
  const Reg dst = popDestination(RegSet::of(rhs), &lhs, &lhs_owned);
  masm_.intBinop(op, dst, lhs, rhs);
  if (lhs != dst) releaseRead(lhs, lhs_owned);
  releaseRead(rhs, rhs_owned);
  pushReg(type, dst);
}

void FunctionCompiler::emitShift(Opcode op, ValType type) {
  if (peek().isConst()) {
    // Only the count modulo the width matters; reduced, any constant is an imm8, even an
    // i64 one that does not fit in 32 bits.
    const uint64_t width_mask = type == ValType::I64 ? 63 : 31;
    peek().bits &= width_mask;  // in place: the count's entry has the operation's type
    return emitIntBinop(op, type);
  }
  // An ISA without a count register reads the count where it is (a local's register too).
  bool count_owned = true;
  const Reg count = isa::target::kShiftCountReg.valid()
                        ? popToSpecificReg(isa::target::kShiftCountReg)
                        : popForRead({}, &count_owned);
  Reg lhs;
  bool lhs_owned;
  const Reg dst = popDestination(RegSet::of(count), &lhs, &lhs_owned);
  masm_.intBinop(op, dst, lhs, count);
  if (lhs != dst) releaseRead(lhs, lhs_owned);
  releaseRead(count, count_owned);
  pushReg(type, dst);
}

void FunctionCompiler::emitDivRem(Opcode op, ValType type) {
  const bool is_div = op == Opcode::I32DivS || op == Opcode::I32DivU ||
                      op == Opcode::I64DivS || op == Opcode::I64DivU;
  const bool is_signed = op == Opcode::I32DivS || op == Opcode::I32RemS ||
                         op == Opcode::I64DivS || op == Opcode::I64RemS;
  // A constant divisor other than 0 needs no zero check, and other than -1 no overflow path.
  bool may_be_zero = true, may_be_minus_one = true;
  if (peek().isConst()) {
    const int64_t divisor = type == ValType::I32
                                ? static_cast<int32_t>(peek().bits)
                                : static_cast<int64_t>(peek().bits);
    may_be_zero = divisor == 0;
    may_be_minus_one = divisor == -1;
  }
  isa::Label div_by_zero, overflow;
  auto trapLabels = [&] {
    if (may_be_zero) div_by_zero = trapLabel(TrapKind::IntegerDivideByZero);
    if (is_div && is_signed && may_be_minus_one) overflow = trapLabel(TrapKind::IntegerOverflow);
  };
  const Reg quotient = isa::target::kDivQuotientReg, remainder = isa::target::kDivRemainderReg;
  if (!quotient.valid()) {  // an ISA whose division takes any registers
    bool rhs_owned, lhs_owned;
    const Reg rhs = popForRead({}, &rhs_owned);
    Reg lhs;
    const Reg dst = popDestination(RegSet::of(rhs), &lhs, &lhs_owned);
    trapLabels();
    masm_.divRem(op, dst, lhs, rhs, div_by_zero, overflow, may_be_minus_one);
    if (lhs != dst) releaseRead(lhs, lhs_owned);
    releaseRead(rhs, rhs_owned);
    return pushReg(type, dst);
  }
  const Reg rhs = popToReg(RegSet::of(quotient, remainder));
  popToSpecificReg(quotient);
  takeReg(remainder);
  trapLabels();
  const Reg result = is_div ? quotient : remainder;
  masm_.divRem(op, result, quotient, rhs, div_by_zero, overflow, may_be_minus_one);
  freeReg(rhs);
  freeReg(is_div ? remainder : quotient);
  pushReg(type, result);
}

// A comparison whose result feeds the very next instruction's condition (br_if, if, select)
// stays in the flags: `cmp; jcc` instead of `cmp; setcc; movzx; test; jnz`.
bool FunctionCompiler::nextConsumesCondition() const {
  const uint8_t next = decoder_ ? decoder_->nextOpcodeByte() : 0;
  // br_if, if, select; and i32.eqz, which negates the condition (and asks the same again).
  return next == 0x0D || next == 0x04 || next == 0x1B || next == 0x45;
}

void FunctionCompiler::pushFlags(isa::Cond cond) {
  VarState s;
  s.loc = VarState::Loc::Flags;
  s.type = ValType::I32;
  s.bits = static_cast<uint64_t>(cond);
  push(s);
}

void FunctionCompiler::emitCompare(Opcode op, ValType type) {
  const bool to_flags = nextConsumesCondition();
  if (peek().isImm32()) {
    const auto imm = static_cast<int32_t>(pop().bits);
    if (to_flags) {
      bool lhs_owned;
      const Reg lhs = popForRead({}, &lhs_owned);
      const isa::Cond cond = masm_.compareToFlagsImm(op, lhs, imm);
      releaseRead(lhs, lhs_owned);
      return pushFlags(cond);
    }
    const Reg lhs = popToReg();
    masm_.compareImm(op, lhs, lhs, imm);
    pushReg(ValType::I32, lhs);
    return;
  }
  bool rhs_owned;
  const Reg rhs = popForRead({}, &rhs_owned);
  if (to_flags) {
    bool lhs_owned;
    const Reg lhs = popForRead(RegSet::of(rhs), &lhs_owned);
    const isa::Cond cond = masm_.compareToFlags(op, lhs, rhs);
    releaseRead(lhs, lhs_owned);
    releaseRead(rhs, rhs_owned);
    return pushFlags(cond);
  }
  const Reg lhs = popToReg(RegSet::of(rhs));
  masm_.compare(op, lhs, lhs, rhs);
  releaseRead(rhs, rhs_owned);
  pushReg(ValType::I32, lhs);
}

void FunctionCompiler::emitEqz(Opcode op) {
  if (peek().loc == VarState::Loc::Flags) {
    // A comparison right before: eqz only negates its condition.
    const auto negated = isa::negate(static_cast<isa::Cond>(pop().bits));
    if (nextConsumesCondition()) return pushFlags(negated);
    const Reg dst = allocReg(RegClass::Gp);
    masm_.setCond(negated, dst);
    return pushReg(ValType::I32, dst);
  }
  if (nextConsumesCondition()) {
    bool owned;
    const Reg value = popForRead({}, &owned);
    const isa::Cond cond = masm_.eqzToFlags(op, value);
    releaseRead(value, owned);
    return pushFlags(cond);
  }
  const Reg value = popToReg();
  masm_.intUnop(op, value, value);
  pushReg(ValType::I32, value);
}

void FunctionCompiler::emitUnop(Opcode op, ValType in, ValType out) {
  if (isa::isFpType(in) && masm_.floatUnopNeedsCall(op)) return emitRoundingCall(op, in);
  Reg src;
  bool src_owned;
  const Reg dst = popDestination({}, &src, &src_owned);
  if (isa::isFpType(in)) {
    masm_.floatUnop(op, dst, src);
  } else {
    const Reg tmp =
        masm_.intUnopNeedsTemp(op) ? allocReg(RegClass::Gp, RegSet::of(src, dst)) : Reg();
    masm_.intUnop(op, dst, src, tmp);
    if (tmp.valid()) freeReg(tmp);
  }
  if (src != dst) releaseRead(src, src_owned);
  pushReg(out, dst);
}

// ceil, floor, trunc and nearest on a CPU without SSE4.1: the C library's functions, which
// round exactly as wasm does (nearest: ties to even, as nearbyint in the default mode).
void FunctionCompiler::emitRoundingCall(Opcode op, ValType type) {
  const std::optional<runtime::builtins::Builtin> builtin = runtime::builtins::roundingBuiltin(op);
  if (!builtin) return markUnsupported(op);
  spillRegisters();
  flushLocals();
  const VarState arg = pop();
  const Reg param = isa::target::kHostConvention.fp_params[0];
  loadInto(arg, param);
  recordAddress();
  emitBuiltinCall(*builtin);
  if (context_.options.explicit_bounds_checks) reloadInstanceRegisters(false);
  pushReg(type, isa::target::kHostConvention.fp_results[0]);
}

void FunctionCompiler::emitFloatBinop(Opcode op, ValType type) {
  bool rhs_owned;
  const Reg rhs = popForRead({}, &rhs_owned);
  Reg lhs;
  bool lhs_owned;
  const Reg dst = popDestination(RegSet::of(rhs), &lhs, &lhs_owned);
  Reg tmp;
  if (op == Opcode::F32Copysign || op == Opcode::F64Copysign) tmp = allocReg(RegClass::Gp);
  masm_.floatBinop(op, dst, lhs, rhs, tmp);
  if (tmp.valid()) freeReg(tmp);
  if (lhs != dst) releaseRead(lhs, lhs_owned);
  releaseRead(rhs, rhs_owned);
  pushReg(type, dst);
}

void FunctionCompiler::emitFloatCompare(Opcode op) {
  bool rhs_owned, lhs_owned;
  const Reg rhs = popForRead({}, &rhs_owned);
  const Reg lhs = popForRead(RegSet::of(rhs), &lhs_owned);
  if (isa::MacroAssembler::floatCompareHasCond(op) && nextConsumesCondition()) {
    const isa::Cond cond = masm_.floatCompareToFlags(op, lhs, rhs);
    releaseRead(lhs, lhs_owned);
    releaseRead(rhs, rhs_owned);
    return pushFlags(cond);
  }
  const Reg dst = allocReg(RegClass::Gp);
  const Reg tmp = allocReg(RegClass::Gp, RegSet::of(dst));
  masm_.floatCompare(op, dst, lhs, rhs, tmp);
  freeReg(tmp);
  releaseRead(lhs, lhs_owned);
  releaseRead(rhs, rhs_owned);
  pushReg(ValType::I32, dst);
}

void FunctionCompiler::emitConversion(Opcode op, ValType in, ValType out) {
  if (op == Opcode::I64ExtendI32U) {
    // An i32 in a register is zero-extended already (masm_x64.h's convention): the register
    // is the i64, with nothing emitted.
    if (peek().isConst()) return pushConst(ValType::I64, static_cast<uint32_t>(pop().bits));
    pushReg(ValType::I64, popToReg());
    stack_.back().upper_zero = true;
    return;
  }
  const Reg src = popToReg();
  const bool same_class = isa::isFpType(in) == isa::isFpType(out);
  const Reg dst = same_class ? src : allocRegFor(out);
  Reg tmp;
  if (op == Opcode::F32ConvertI64U || op == Opcode::F64ConvertI64U) tmp = allocReg(RegClass::Gp);
  isa::Label invalid, overflow;
  switch (op) {
    case Opcode::I32TruncF32S: case Opcode::I32TruncF32U: case Opcode::I32TruncF64S:
    case Opcode::I32TruncF64U: case Opcode::I64TruncF32S: case Opcode::I64TruncF32U:
    case Opcode::I64TruncF64S: case Opcode::I64TruncF64U:
      invalid = trapLabel(TrapKind::InvalidConversionToInteger);
      overflow = trapLabel(TrapKind::IntegerOverflow);
      break;
    default: break;
  }
  masm_.convert(op, dst, src, tmp, invalid, overflow);
  if (tmp.valid()) freeReg(tmp);
  if (dst != src) freeReg(src);
  pushReg(out, dst);
}

void FunctionCompiler::visitNumeric(Opcode op) {
  if (dead_) return;
  switch (op) {
    case Opcode::I32Add: case Opcode::I32Sub: case Opcode::I32Mul: case Opcode::I32And:
    case Opcode::I32Or: case Opcode::I32Xor:
      return emitIntBinop(op, ValType::I32);
    case Opcode::I64Add: case Opcode::I64Sub: case Opcode::I64Mul: case Opcode::I64And:
    case Opcode::I64Or: case Opcode::I64Xor:
      return emitIntBinop(op, ValType::I64);
    case Opcode::I32Shl: case Opcode::I32ShrS: case Opcode::I32ShrU: case Opcode::I32Rotl:
    case Opcode::I32Rotr:
      return emitShift(op, ValType::I32);
    case Opcode::I64Shl: case Opcode::I64ShrS: case Opcode::I64ShrU: case Opcode::I64Rotl:
    case Opcode::I64Rotr:
      return emitShift(op, ValType::I64);
    case Opcode::I32DivS: case Opcode::I32DivU: case Opcode::I32RemS: case Opcode::I32RemU:
      return emitDivRem(op, ValType::I32);
    case Opcode::I64DivS: case Opcode::I64DivU: case Opcode::I64RemS: case Opcode::I64RemU:
      return emitDivRem(op, ValType::I64);
    case Opcode::I32Eq: case Opcode::I32Ne: case Opcode::I32LtS: case Opcode::I32LtU:
    case Opcode::I32GtS: case Opcode::I32GtU: case Opcode::I32LeS: case Opcode::I32LeU:
    case Opcode::I32GeS: case Opcode::I32GeU:
      return emitCompare(op, ValType::I32);
    case Opcode::I64Eq: case Opcode::I64Ne: case Opcode::I64LtS: case Opcode::I64LtU:
    case Opcode::I64GtS: case Opcode::I64GtU: case Opcode::I64LeS: case Opcode::I64LeU:
    case Opcode::I64GeS: case Opcode::I64GeU:
      return emitCompare(op, ValType::I64);
    case Opcode::I32Eqz: case Opcode::I64Eqz:
      return emitEqz(op);
    case Opcode::I32Clz: case Opcode::I32Ctz: case Opcode::I32Popcnt:
    case Opcode::I64Clz: case Opcode::I64Ctz: case Opcode::I64Popcnt:
    case Opcode::I32Extend8S: case Opcode::I32Extend16S: case Opcode::I64Extend8S:
    case Opcode::I64Extend16S: case Opcode::I64Extend32S:
    case Opcode::F32Abs: case Opcode::F32Neg: case Opcode::F32Ceil: case Opcode::F32Floor:
    case Opcode::F32Trunc: case Opcode::F32Nearest: case Opcode::F32Sqrt:
    case Opcode::F64Abs: case Opcode::F64Neg: case Opcode::F64Ceil: case Opcode::F64Floor:
    case Opcode::F64Trunc: case Opcode::F64Nearest: case Opcode::F64Sqrt:
      return emitUnop(op, paramTypeOf(op), resultTypeOf(op));
    case Opcode::F32Add: case Opcode::F32Sub: case Opcode::F32Mul: case Opcode::F32Div:
    case Opcode::F32Min: case Opcode::F32Max: case Opcode::F32Copysign:
      return emitFloatBinop(op, ValType::F32);
    case Opcode::F64Add: case Opcode::F64Sub: case Opcode::F64Mul: case Opcode::F64Div:
    case Opcode::F64Min: case Opcode::F64Max: case Opcode::F64Copysign:
      return emitFloatBinop(op, ValType::F64);
    case Opcode::F32Eq: case Opcode::F32Ne: case Opcode::F32Lt: case Opcode::F32Gt:
    case Opcode::F32Le: case Opcode::F32Ge: case Opcode::F64Eq: case Opcode::F64Ne:
    case Opcode::F64Lt: case Opcode::F64Gt: case Opcode::F64Le: case Opcode::F64Ge:
      return emitFloatCompare(op);
    default:
      break;
  }
  const wasm::OpcodeInfo& info = wasm::opcodeInfo(op);
  if (info.prefix == wasm::kPrefixSimd) {
    if (!visitSimdNumeric(op)) markUnsupported(op);
    return;
  }
  // What remains are the conversions and reinterpretations.
  return emitConversion(op, paramTypeOf(op), resultTypeOf(op));
}

}  // namespace wisp::codegen
