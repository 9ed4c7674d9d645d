// Register allocation over the value stack and the locals (the policy and invariants are at
// the top of register_allocator.h; the locals' own in local_state.h).
#include "codegen/function_compiler.h"

namespace wisp::codegen {

using isa::Reg;
using isa::RegClass;
using isa::RegSet;
using wasm::ValType;

// ---- locals -------------------------------------------------------------------------------------

void FunctionCompiler::materializeLocalAliases(uint32_t local) {
  size_t holder = SIZE_MAX;  // the entry that took the local's register
  for (size_t i = 0; i < stack_.size(); ++i) {
    VarState& s = stack_[i];
    if (s.loc != VarState::Loc::Local || s.local != local) continue;
    if (holder == SIZE_MAX && locals_.inReg(local)) {
      s.loc = VarState::Loc::Reg;
      s.reg = locals_.release(local);  // stays used: the entry owns it now
      holder = i;
    } else if (holder != SIZE_MAX) {
      // The old value is in the holder's register only (the home may be stale).
      masm_.store(slotAddress(s.slot), stack_[holder].reg, s.type);
      s.loc = VarState::Loc::Stack;
    } else {
      spillEntry(s);
    }
  }
}

void FunctionCompiler::storeLocal(uint32_t local) {
  if (!locals_.dirty(local)) return;
  masm_.store(localAddress(local), locals_.reg(local), local_types_[local]);
  locals_.setDirty(local, false);
}

void FunctionCompiler::evictLocal(uint32_t local) {
  if (!locals_.inReg(local)) return;
  storeLocal(local);
  freeReg(locals_.release(local));
}

void FunctionCompiler::flushLocals() {
  while (!locals_.empty()) {
    const Reg reg = locals_.regs().first();
    evictLocal(static_cast<uint32_t>(locals_.localIn(reg)));
  }
}

bool FunctionCompiler::evictOneLocal(RegClass cls, RegSet exclude) {
  const RegSet candidates = locals_.regs().ofClass(cls) - exclude;
  if (candidates.empty()) return false;
  // A clean local costs nothing to drop; a dirty one costs a store.
  const RegSet clean = candidates - locals_.dirtyRegs();
  const Reg reg = clean.empty() ? candidates.first() : clean.first();
  evictLocal(static_cast<uint32_t>(locals_.localIn(reg)));
  return true;
}

// local.set: the value becomes the local's, in a register when it is one already or one is
// free (write-back: the home is stored only when the register is taken).
void FunctionCompiler::assignLocal(uint32_t local, VarState value) {
  const ValType type = local_types_[local];
  if (value.isReg()) {
    if (locals_.inReg(local)) freeReg(locals_.release(local));
    locals_.assign(local, value.reg, true);
    return;
  }
  Reg reg = locals_.inReg(local) ? locals_.reg(local) : Reg();
  if (!reg.valid()) {
    const Reg source_reg = value.loc == VarState::Loc::Local && locals_.inReg(value.local)
                               ? locals_.reg(value.local) : Reg();
    reg = tryAllocFree(isa::isFpType(type) ? RegClass::Fp : RegClass::Gp,
                       source_reg.valid() ? RegSet::of(source_reg) : RegSet());
    if (!reg.valid()) {
      storeTo(value, localAddress(local));
      return;
    }
    loadInto(value, reg);
    locals_.assign(local, reg, true);
    return;
  }
  loadInto(value, reg);
  locals_.setDirty(local, true);
}

// ---- registers --------------------------------------------------------------------------------

Reg FunctionCompiler::tryAllocFree(RegClass cls, RegSet exclude) {
  const RegSet allocatable = cls == RegClass::Gp ? allocatable_gp_ : isa::target::kAllocatableFp;
  const RegSet free = allocatable - used_ - exclude;
  if (free.empty()) return Reg();
  const Reg reg = free.first();
  used_ = used_.with(reg);
  return reg;
}

Reg FunctionCompiler::allocReg(RegClass cls, RegSet exclude) {
  const Reg reg = tryAllocFree(cls, exclude);
  if (reg.valid()) return reg;
  if (!evictOneLocal(cls, exclude) && !spillOneRegister(cls, exclude)) {
    masm_.unhandledOp("allocReg: every register of the class is excluded", wasm::Opcode::Nop);
  }
  return tryAllocFree(cls, exclude);
}

Reg FunctionCompiler::allocRegFor(ValType type, RegSet exclude) {
  return allocReg(isa::isFpType(type) ? RegClass::Fp : RegClass::Gp, exclude);
}

// Spills the oldest register-held value of the class: the one least likely to be used soon.
bool FunctionCompiler::spillOneRegister(RegClass cls, RegSet exclude) {
  for (VarState& s : stack_) {
    if (s.isReg() && s.reg.regClass() == cls && !exclude.has(s.reg)) {
      spillEntry(s);
      return true;
    }
  }
  return false;
}

void FunctionCompiler::takeReg(Reg reg) {
  if (!used_.has(reg)) {
    used_ = used_.with(reg);
    return;
  }
  const int32_t local = locals_.localIn(reg);
  if (local >= 0) {
    // Moved to a free register if there is one (it may be loop-carried), else stored.
    const Reg other = tryAllocFree(reg.regClass(), RegSet::of(reg));
    const bool was_dirty = locals_.dirty(static_cast<uint32_t>(local));
    if (other.valid()) {
      masm_.move(other, reg, local_types_[local]);
      locals_.release(static_cast<uint32_t>(local));
      locals_.assign(static_cast<uint32_t>(local), other, was_dirty);
    } else {
      evictLocal(static_cast<uint32_t>(local));
    }
    used_ = used_.with(reg);
    return;
  }
  for (VarState& s : stack_) {
    if (s.isReg() && s.reg == reg) {
      const Reg other = tryAllocFree(reg.regClass(), RegSet::of(reg));
      if (other.valid()) {
        masm_.move(other, reg, s.type);
        s.reg = other;
        freeReg(reg);
      } else {
        spillEntry(s);
      }
      break;
    }
  }
  used_ = used_.with(reg);
}

}  // namespace wisp::codegen
