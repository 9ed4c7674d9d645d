// The value stack's operations: pushes, pops into registers, spills, and the locations a
// parallel move reads (the invariants are at the top of value_stack.h).
#include "codegen/function_compiler.h"

namespace wisp::codegen {

using isa::Reg;
using isa::RegClass;
using isa::RegSet;
using wasm::ValType;

// ---- value stack ------------------------------------------------------------------------------

void FunctionCompiler::popArgs(size_t n, VarState* out) {
  for (size_t i = 0; i < n; ++i) out[i] = stack_[stack_.size() - n + i];
  stack_.truncate(stack_.size() - n);
}

void FunctionCompiler::loadInto(const VarState& s, Reg reg) {
  switch (s.loc) {
    case VarState::Loc::Reg: masm_.move(reg, s.reg, s.type); return;
    case VarState::Loc::Const: moveConstant(masm_, v128_constants_, reg, s.type, s.bits); return;
    case VarState::Loc::Local:
      if (locals_.inReg(s.local)) masm_.move(reg, locals_.reg(s.local), s.type);
      else masm_.load(reg, localAddress(s.local), s.type);
      return;
    case VarState::Loc::Stack: masm_.load(reg, slotAddress(s.slot), s.type); return;
    case VarState::Loc::Flags: masm_.setCond(static_cast<isa::Cond>(s.bits), reg); return;
  }
}

Reg FunctionCompiler::popToReg(RegSet exclude) {
  const VarState s = pop();
  if (s.isReg() && !exclude.has(s.reg)) return s.reg;
  const Reg reg = allocRegFor(s.type, exclude);
  loadInto(s, reg);
  if (s.isReg()) freeReg(s.reg);
  return reg;
}

Reg FunctionCompiler::popForRead(RegSet exclude, bool* owned) {
  const VarState& top = stack_.back();
  if (top.loc == VarState::Loc::Local) {
    const uint32_t local = top.local;
    if (locals_.inReg(local) && !exclude.has(locals_.reg(local))) {
      stack_.pop_back();
      *owned = false;
      return locals_.reg(local);
    }
    if (!locals_.inReg(local)) {
      // Loaded once into a register the local keeps (clean), so later reads are free.
      const Reg reg = allocRegFor(top.type, exclude);
      stack_.pop_back();
      masm_.load(reg, localAddress(local), local_types_[local]);
      locals_.assign(local, reg, false);
      *owned = false;
      return reg;
    }
  }
  *owned = true;
  return popToReg(exclude);
}

bool FunctionCompiler::nextInstructionSetsLocal(uint32_t* local) const {
  if (!decoder_) return false;
  const uint8_t* p = decoder_->cursor();
  const uint8_t* end = decoder_->bodyEnd();
  if (p >= end || (*p != 0x21 && *p != 0x22)) return false;  // local.set, local.tee
  uint64_t index = 0;
  for (int shift = 0; ++p < end && shift < 35; shift += 7) {
    index |= static_cast<uint64_t>(*p & 0x7F) << shift;
    if (!(*p & 0x80)) {
      if (index >= local_types_.size()) return false;  // invalid: the decoder will say so
      *local = static_cast<uint32_t>(index);
      return true;
    }
  }
  return false;
}

Reg FunctionCompiler::takeHintedResultReg(ValType type, RegSet exclude) {
  uint32_t local;
  if (!nextInstructionSetsLocal(&local) || !locals_.inReg(local)) return Reg();
  const Reg reg = locals_.reg(local);
  if (exclude.has(reg) || local_types_[local] != type) return Reg();
  for (size_t i = stack_.size(); i-- > controls_.back().height;)
    if (stack_[i].loc == VarState::Loc::Local && stack_[i].local == local) return Reg();
  // The register passes from the local to the result (still used); local.set gives it back.
  locals_.release(local);
  return reg;
}

Reg FunctionCompiler::allocResult(ValType type, RegSet exclude) {
  const Reg hint = takeHintedResultReg(type, exclude);
  return hint.valid() ? hint : allocRegFor(type, exclude);
}

Reg FunctionCompiler::popDestination(RegSet exclude, Reg* lhs, bool* lhs_owned) {
  const VarState& top = stack_.back();
  const ValType type = top.type;
  if (top.loc == VarState::Loc::Local && locals_.inReg(top.local) &&
      !exclude.has(locals_.reg(top.local))) {
    // A local's register is read in place; the result goes elsewhere, or over it when the
    // next instruction sets that very local (x = x + 1).
    *lhs = locals_.reg(top.local);
    *lhs_owned = false;
    stack_.pop_back();
    const Reg hint = takeHintedResultReg(type, exclude);
    return hint.valid() ? hint : allocRegFor(type, exclude.with(*lhs));
  }
  *lhs_owned = true;
  const Reg hint = takeHintedResultReg(type, exclude);
  if (hint.valid()) {
    *lhs = popToReg(exclude.with(hint));
    return hint;
  }
  *lhs = popToReg(exclude);
  return *lhs;
}

Reg FunctionCompiler::popToSpecificReg(Reg reg) {
  const VarState s = pop();
  if (s.isReg() && s.reg == reg) return reg;
  takeReg(reg);
  loadInto(s, reg);
  if (s.isReg()) freeReg(s.reg);
  return reg;
}

void FunctionCompiler::storeTo(const VarState& s, const isa::Address& dst) {
  switch (s.loc) {
    case VarState::Loc::Reg: masm_.store(dst, s.reg, s.type); return;
    case VarState::Loc::Const: storeConstant(masm_, v128_constants_, dst, s.type, s.bits); return;
    case VarState::Loc::Local:
      if (locals_.inReg(s.local)) masm_.store(dst, locals_.reg(s.local), s.type);
      else masm_.copySlot(dst, localAddress(s.local), s.type);
      return;
    case VarState::Loc::Stack: masm_.copySlot(dst, slotAddress(s.slot), s.type); return;
    case VarState::Loc::Flags:
      masm_.setCond(static_cast<isa::Cond>(s.bits), isa::target::kScratchGp);
      masm_.store(dst, isa::target::kScratchGp, s.type);
      return;
  }
}

void FunctionCompiler::storeToSlot(const VarState& s, int32_t slot) {
  if (s.loc == VarState::Loc::Stack && s.slot == slot) return;
  storeTo(s, slotAddress(slot));
}

void FunctionCompiler::spillEntry(VarState& s) {
  if (s.loc == VarState::Loc::Stack) return;
  storeToSlot(s, s.slot);
  if (s.isReg()) freeReg(s.reg);
  s.loc = VarState::Loc::Stack;
}

void FunctionCompiler::spillAll() {
  for (VarState& s : stack_) spillEntry(s);
}

void FunctionCompiler::spillRegisters() {
  for (VarState& s : stack_)
    if (s.isReg()) spillEntry(s);
}

// A comparison left in the flags becomes a register value (before moves that may clobber the
// flags: a zero constant is an xor).
void FunctionCompiler::materializeFlags() {
  if (stack_.empty() || stack_.back().loc != VarState::Loc::Flags) return;
  VarState& s = stack_.back();
  const Reg reg = allocReg(RegClass::Gp);
  masm_.setCond(static_cast<isa::Cond>(s.bits), reg);
  s.loc = VarState::Loc::Reg;
  s.reg = reg;
}

MoveLocation FunctionCompiler::locationOf(const VarState& s) const {
  switch (s.loc) {
    case VarState::Loc::Reg: return MoveLocation::inReg(s.reg);
    case VarState::Loc::Const: return MoveLocation::constant(s.bits);
    case VarState::Loc::Local:
      if (locals_.inReg(s.local)) return MoveLocation::inReg(locals_.reg(s.local));
      return MoveLocation::inSlot(local_homes_[s.local]);
    case VarState::Loc::Stack: return MoveLocation::inSlot(-s.slot);
    case VarState::Loc::Flags: break;
  }
  __builtin_trap();  // materializeFlags runs before any move
}

}  // namespace wisp::codegen
