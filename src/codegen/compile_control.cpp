// Control flow: blocks, loops, ifs, branches, returns, and the merges at their targets (the
// protocol is at the top of function_compiler.h and control.h).
#include <algorithm>

#include "codegen/function_compiler.h"

namespace wisp::codegen {

using isa::Reg;
using isa::RegClass;
using isa::RegSet;
using wasm::Opcode;
using wasm::ValType;

namespace {
// Loop headers leave this many registers of each class free for the body's temporaries.
constexpr int kLoopFreeGp = 4;
constexpr int kLoopFreeFp = 3;
// The look ahead at a loop's body stops after this many instructions.
constexpr uint32_t kLoopScanBudget = 1000;
}  // namespace

// Emits moves_ through the MacroAssembler (the ParallelMove emitter).
struct MoveEmitter {
  isa::MacroAssembler& masm;
  const V128Constants& v128;
  static isa::Address at(int32_t disp) { return {isa::target::kFramePointer, Reg(), disp}; }
  void move(Reg d, Reg s, ValType t) { masm.move(d, s, t); }
  void load(Reg d, int32_t disp, ValType t) { masm.load(d, at(disp), t); }
  void store(int32_t disp, Reg s, ValType t) { masm.store(at(disp), s, t); }
  void copy(int32_t d, int32_t s, ValType t) { masm.copySlot(at(d), at(s), t); }
  void moveImm(Reg d, ValType t, uint64_t bits) { moveConstant(masm, v128, d, t, bits); }
  void storeImm(int32_t d, ValType t, uint64_t bits) { storeConstant(masm, v128, at(d), t, bits); }
  void swap(Reg a, Reg b, ValType t) { masm.swap(a, b, t); }
};

void FunctionCompiler::emitMoves() {
  MoveEmitter emitter{masm_, v128_constants_};
  moves_.emit(emitter, -move_temp_slot_);
}

void FunctionCompiler::pushControl(Opcode kind, const wasm::ControlFrame& frame, bool reachable) {
  Control c;
  c.kind = kind;
  c.results = frame.type.results;
  c.param_count = static_cast<uint32_t>(frame.type.params.size());
  c.dead_on_entry = !reachable;
  if (!controls_.empty()) c.inner_handler = controls_.back().inner_handler;
  if (!reachable) {
    controls_.push_back(c);
    return;
  }
  c.height = static_cast<uint32_t>(stack_.size()) - c.param_count;
  int32_t below = c.height == 0 ? locals_end_ : stack_[c.height - 1].slot;
  below = std::max(below, controls_.back().slot_floor);
  c.label_base = c.slot_floor = below;
  c.label = masm_.newLabel();
  controls_.push_back(c);
}

// ---- merge states -----------------------------------------------------------------------------

uint32_t FunctionCompiler::snapshotLocals() {
  merge_locals_.push_back(locals_.snapshot());
  return static_cast<uint32_t>(merge_locals_.size() - 1);
}

void FunctionCompiler::fixMergeState(Control& t) {
  t.merge_fixed = true;
  t.merge_locals = snapshotLocals();
  t.merge_values_begin = static_cast<uint32_t>(merge_values_.size());
  const uint32_t arity = t.labelArity();
  // Label values stay in the registers they are in; others get a free register when there
  // is one. A loop's params, and a return's values, go to their slots.
  RegSet taken = locals_.regs();
  const size_t first = stack_.size() - arity;
  const bool registers = t.kind != Opcode::Loop && t.kind != Opcode::Call;
  for (uint32_t i = 0; i < arity; ++i) {
    const VarState& s = stack_[first + i];
    MergeValue v;
    if (registers && s.type != ValType::V128) {
      if (s.isReg() && !taken.has(s.reg)) {
        v.reg = s.reg;
      } else {
        const RegSet allocatable = isa::isFpType(s.type) ? isa::target::kAllocatableFp
                                                         : allocatable_gp_;
        const RegSet free = allocatable - used_ - taken;
        if (!free.empty()) v.reg = free.first();
      }
      if (v.reg.valid()) taken = taken.with(v.reg);
    }
    merge_values_.push_back(v);
  }
}

// Whether the locals are where the snapshot has them, with no stale home it trusts: most
// edges, so this is checked first, and cheaply.
bool FunctionCompiler::localsMatch(uint32_t snapshot) const {
  const LocalSnapshot& want = merge_locals_[snapshot];
  return locals_.sameRegisters(want) && (locals_.dirtyRegs() - want.dirty).empty();
}

void FunctionCompiler::planMovesTo(const Control& t) {
  moves_.clear();
  if (!localsMatch(t.merge_locals)) planLocalMoves(t.merge_locals);
  planValueMoves(t);
}

void FunctionCompiler::planLocalMoves(uint32_t snapshot) {
  // Locals: where the target wants them (target_regs_ is all invalid between calls).
  const LocalSnapshot& want = merge_locals_[snapshot];
  for (RegSet left = want.regs; !left.empty(); left = left.without(left.first()))
    target_regs_[want.local_of[left.first().code()]] = left.first();
  locals_.forEach([&](uint32_t local, Reg reg, bool dirty) {
    const Reg target = target_regs_[local];
    if (target.valid() && target != reg)
      moves_.add(MoveLocation::inReg(target), MoveLocation::inReg(reg), local_types_[local]);
    // The target trusts the home unless it keeps the local dirty.
    if (dirty && !(target.valid() && want.dirty.has(target)))
      moves_.add(MoveLocation::inSlot(local_homes_[local]), MoveLocation::inReg(reg),
                 local_types_[local]);
  });
  for (RegSet left = want.regs; !left.empty(); left = left.without(left.first())) {
    const Reg reg = left.first();
    const uint32_t local = static_cast<uint32_t>(want.local_of[reg.code()]);
    if (!locals_.inReg(local))
      moves_.add(MoveLocation::inReg(reg), MoveLocation::inSlot(local_homes_[local]),
                 local_types_[local]);
    target_regs_[local] = Reg();
  }
}

void FunctionCompiler::planValueMoves(const Control& t) {
  // Label values: to their registers, else to the label's slots.
  const uint32_t arity = t.labelArity();
  const size_t first = stack_.size() - arity;
  int32_t slot = t.label_base;
  for (uint32_t i = 0; i < arity; ++i) {
    const VarState& s = stack_[first + i];
    slot += static_cast<int32_t>(isa::stackSlotSize(s.type));
    max_slot_ = std::max(max_slot_, slot);
    const MergeValue& v = merge_values_[t.merge_values_begin + i];
    const MoveLocation dst = v.reg.valid() ? MoveLocation::inReg(v.reg) : MoveLocation::inSlot(-slot);
    moves_.add(dst, locationOf(s), s.type);
  }
}

void FunctionCompiler::moveToTarget(Control& target) {
  materializeFlags();
  if (!target.merge_fixed) fixMergeState(target);
  planMovesTo(target);
  emitMoves();
  target.label_used = true;
}

bool FunctionCompiler::edgeNeedsMoves(Control& target) {
  if (target.kind == Opcode::Call) return true;  // a return
  materializeFlags();
  if (!target.merge_fixed) fixMergeState(target);
  planMovesTo(target);
  const bool needed = !moves_.empty();
  moves_.clear();
  return needed;
}

void FunctionCompiler::dropStackAbove(uint32_t height) {
  for (size_t i = height; i < stack_.size(); ++i)
    if (stack_[i].isReg()) freeReg(stack_[i].reg);
  stack_.truncate(std::min<size_t>(height, stack_.size()));
}

void FunctionCompiler::releaseAllLocals() { used_ = used_ - locals_.releaseAll(); }

void FunctionCompiler::setLocals(uint32_t snapshot) {
  const LocalSnapshot& want = merge_locals_[snapshot];
  if (locals_.sameRegisters(want)) {
    locals_.setDirtyRegs(want.dirty);
    return;
  }
  releaseAllLocals();
  for (RegSet left = want.regs; !left.empty(); left = left.without(left.first())) {
    const Reg reg = left.first();
    locals_.assign(static_cast<uint32_t>(want.local_of[reg.code()]), reg, want.dirty.has(reg));
    used_ = used_.with(reg);
  }
}

void FunctionCompiler::adoptMergeState(Control& c) {
  dropStackAbove(c.height);
  setLocals(c.merge_locals);
  int32_t slot = c.label_base;
  const uint32_t arity = c.labelArity();
  for (uint32_t i = 0; i < arity; ++i) {
    const ValType t = c.results[i];
    slot += static_cast<int32_t>(isa::stackSlotSize(t));
    max_slot_ = std::max(max_slot_, slot);
    VarState s;
    s.type = t;
    s.slot = slot;
    const MergeValue& v = merge_values_[c.merge_values_begin + i];
    if (v.reg.valid()) {
      s.loc = VarState::Loc::Reg;
      s.reg = v.reg;
      used_ = used_.with(v.reg);
    }
    stack_.push_back(s);
  }
}

void FunctionCompiler::restoreSavedParams(Control& c) {
  dropStackAbove(c.height);
  for (uint32_t i = 0; i < c.param_count; ++i)
    stack_.push_back(saved_params_[c.saved_params_begin + i]);
}

void FunctionCompiler::adoptElseState(Control& c) {
  restoreSavedParams(c);
  setLocals(c.else_locals);
}

// ---- blocks -------------------------------------------------------------------------------------

void FunctionCompiler::visitBlock(const wasm::ControlFrame& frame, bool reachable) {
  if (dead_) return pushControl(Opcode::Block, frame, false);
  spillAll();
  pushControl(Opcode::Block, frame, reachable);
}

// The header state: the locals the body uses are carried in registers (loaded now if they
// are in memory, as registers allow: the most used first); the ones it never mentions leave
// their registers, so back edges do not reload them. A local the body assigns is kept dirty
// in the header state, so back edges need not store it.
void FunctionCompiler::chooseLoopLocals() {
  // Each loop its own scan, a nested one too: the inner loop's header then keeps its own
  // locals in registers and lets go of the outer loop's, where the iterations are.
  loop_scan_.scan(decoder_->cursor(), decoder_->bodyEnd(),
                  static_cast<uint32_t>(local_types_.size()), kLoopScanBudget);
  if (loop_scan_.complete()) {
    locals_.forEach([&](uint32_t local, Reg, bool) {
      if (loop_scan_.uses(local) == 0) evictLocal(local);
    });
  }
  // The candidates, most used first (a short list: sorting it is cheap).
  uint32_t candidates[64];
  uint32_t count = 0;
  for (uint32_t local : loop_scan_.touched()) {
    if (locals_.inReg(local) || local_types_[local] == ValType::V128) continue;
    if (count < 64) candidates[count++] = local;
  }
  std::sort(candidates, candidates + count, [&](uint32_t a, uint32_t b) {
    return loop_scan_.uses(a) > loop_scan_.uses(b);
  });
  for (uint32_t k = 0; k < count; ++k) {
    const uint32_t local = candidates[k];
    const bool fp = isa::isFpType(local_types_[local]);
    const RegSet allocatable = fp ? isa::target::kAllocatableFp : allocatable_gp_;
    if ((allocatable - used_).count() <= (fp ? kLoopFreeFp : kLoopFreeGp)) continue;
    const Reg reg = tryAllocFree(fp ? RegClass::Fp : RegClass::Gp);
    masm_.load(reg, localAddress(local), local_types_[local]);
    locals_.assign(local, reg, false);
  }
  locals_.forEach([&](uint32_t local, Reg, bool dirty) {
    if (!dirty && loop_scan_.written(local)) locals_.setDirty(local, true);
  });
}

void FunctionCompiler::visitLoop(const wasm::ControlFrame& frame, bool reachable) {
  forgetKnownLocals();  // a join
  if (dead_) return pushControl(Opcode::Loop, frame, false);
  endFuelRun();
  spillAll();
  pushControl(Opcode::Loop, frame, reachable);
  // Branches back to the header bring the params to the slots a fresh push would give them.
  Control& c = controls_.back();
  int32_t slot = c.label_base;
  for (uint32_t i = c.height; i < stack_.size(); ++i) {
    VarState& s = stack_[i];
    slot += static_cast<int32_t>(isa::stackSlotSize(s.type));
    if (s.slot != slot) {
      masm_.copySlot(slotAddress(slot), slotAddress(s.slot), s.type);
      s.slot = slot;
    }
  }
  chooseLoopLocals();
  fixMergeState(c);
  masm_.bind(c.label);
  checkInterruption(false);
}

void FunctionCompiler::visitIf(const wasm::ControlFrame& frame, bool reachable) {
  if (dead_) return pushControl(Opcode::If, frame, false);
  endFuelRun();
  // The decoder has popped the condition from its stack; it is our top entry. Spilling emits
  // only moves, so a condition in the flags survives until the branch.
  const VarState cond = peek();
  bool cond_owned = false;
  const Reg cond_reg =
      cond.loc == VarState::Loc::Flags ? (pop(), Reg()) : popForRead({}, &cond_owned);
  spillAll();
  pushControl(Opcode::If, frame, reachable);
  Control& c = controls_.back();
  c.else_label = masm_.newLabel();
  if (cond_reg.valid()) {
    masm_.branchIfZero(cond_reg, ValType::I32, c.else_label);
    releaseRead(cond_reg, cond_owned);
  } else {
    masm_.branchOnCond(isa::negate(static_cast<isa::Cond>(cond.bits)), c.else_label);
  }
  // The else branch starts from this state: the params, and the locals where they are now.
  c.else_locals = snapshotLocals();
  c.saved_params_begin = static_cast<uint32_t>(saved_params_.size());
  for (uint32_t i = c.height; i < stack_.size(); ++i) saved_params_.push_back(stack_[i]);
  if (c.param_count > 0) c.slot_floor = c.label_base = std::max(c.slot_floor, stack_.back().slot);
  beginFuelRun();
}

void FunctionCompiler::visitElse(const wasm::ControlFrame&, bool) {
  forgetKnownLocals();  // a join
  Control& c = controls_.back();
  if (c.dead_on_entry) return;
  endFuelRun();
  if (!dead_) {
    moveToTarget(c);
    masm_.jump(c.label);
  }
  masm_.bind(c.else_label);
  adoptElseState(c);
  c.kind = Opcode::Else;
  dead_ = unsupported_ != nullptr;
  beginFuelRun();
}

void FunctionCompiler::visitEnd(const wasm::ControlFrame&, bool) {
  forgetKnownLocals();  // a join
  Control& c = controls_.back();
  if (c.dead_on_entry) {
    controls_.pop_back();
    return;
  }
  endFuelRun();
  if (c.kind == Opcode::Catch) endLegacyTry(c);
  if (c.kind == Opcode::Call) {  // the function body
    if (!dead_) emitReturn();
    controls_.pop_back();
    return;
  }
  if (c.kind == Opcode::Loop) {
    // The end of a loop is no target: the code after it continues from the body's state.
    controls_.pop_back();
    beginFuelRun();
    return;
  }
  if (c.kind == Opcode::If) {
    // No else: the false path carries the params through as results.
    if (!dead_) {
      moveToTarget(c);
      masm_.jump(c.label);
    }
    masm_.bind(c.else_label);
    adoptElseState(c);
    moveToTarget(c);
  } else if (!dead_) {
    moveToTarget(c);
  }
  const bool live = c.label_used;
  if (live) {
    masm_.bind(c.label);
    adoptMergeState(c);
  } else {
    dropStackAbove(c.height);
  }
  const uint32_t saved_begin = c.saved_params_begin;
  const bool was_if = c.kind == Opcode::If || c.kind == Opcode::Else;
  controls_.pop_back();
  if (was_if) saved_params_.resize(saved_begin);
  dead_ = !live || unsupported_ != nullptr;
  beginFuelRun();
}

// ---- branches -----------------------------------------------------------------------------------

void FunctionCompiler::branchTo(Control& target) {
  if (target.kind == Opcode::Call) return emitReturn();
  moveToTarget(target);
  masm_.jump(target.label);
}

void FunctionCompiler::becomeDead() {
  dropStackAbove(controls_.back().height);
  releaseAllLocals();
  dead_ = true;
}

void FunctionCompiler::visitUnreachable() {
  if (dead_) return;
  endFuelRun();
  const uint32_t at = masm_.trapInstruction();
  out_.traps.push_back({at, runtime::TrapKind::Unreachable, wasmOffset()});
  becomeDead();
}

void FunctionCompiler::visitBr(uint32_t depth) {
  if (dead_) return;
  endFuelRun();
  branchTo(controlAt(depth));
  becomeDead();
}

void FunctionCompiler::visitBrIf(uint32_t depth) {
  if (dead_) return;
  endFuelRun();  // patches an earlier instruction: the flags of the condition stay
  emitBrIf(depth);
  beginFuelRun();  // the fall-through path
}

void FunctionCompiler::emitBrIf(uint32_t depth) {
  // The condition as a flags condition: a fused comparison, or `test reg, reg`.
  isa::Cond taken;
  if (peek().loc == VarState::Loc::Flags) {
    taken = static_cast<isa::Cond>(pop().bits);
  } else {
    bool owned;
    const Reg cond = popForRead({}, &owned);
    releaseRead(cond, owned);
    taken = isa::negate(masm_.eqzToFlags(Opcode::I32Eqz, cond));  // taken when non-zero
  }
  // Nothing below may change the flags before the branch: planning moves emits nothing, and
  // the first edge to a target fixes its state without code (the top is no Flags entry now).
  Control& target = controlAt(depth);
  if (target.kind == Opcode::Call) {
    const isa::Label skip = masm_.newLabel();
    masm_.branchOnCond(isa::negate(taken), skip);
    emitReturn();
    masm_.bind(skip);
    return;
  }
  if (!target.merge_fixed) fixMergeState(target);
  planMovesTo(target);
  target.label_used = true;
  if (moves_.empty()) {
    masm_.branchOnCond(taken, target.label);
    return;
  }
  // Moves that only fill registers the fall-through path leaves free, and leave the flags
  // alone, can run on both paths: the taken one then needs no jump around them.
  const bool harmless_on_both_paths =
      moves_.every([&](const MoveLocation& dst, const MoveLocation& src, wasm::ValType type) {
        if (!dst.isReg() || used_.has(dst.reg)) return false;
        const bool zeroed_with_xor =
            src.isConst() && dst.reg.isGp() &&
            (type == wasm::ValType::I32 ? static_cast<uint32_t>(src.bits) : src.bits) == 0;
        return !zeroed_with_xor;
      });
  if (harmless_on_both_paths) {
    emitMoves();
    masm_.branchOnCond(taken, target.label);
    return;
  }
  // The planned moves (which emitted nothing) run on the taken path only.
  const isa::Label skip = masm_.newLabel();
  masm_.branchOnCond(isa::negate(taken), skip);
  emitMoves();
  masm_.jump(target.label);
  masm_.bind(skip);
}

void FunctionCompiler::visitBrTable(std::span<const uint32_t> depths, uint32_t default_depth) {
  if (dead_) return;
  endFuelRun();
  // The jump through the table overwrites the index register: it must be our own.
  const Reg index = popToReg();
  materializeFlags();
  // One stub per distinct target that needs moves; targets that need none are jumped to
  // directly from the table. Every stub starts from this state, so the index register must
  // survive into none of them: the moves may overwrite it.
  br_table_labels_.assign(controls_.size(), isa::Label());
  auto labelFor = [&](uint32_t depth) {
    Control& target = controlAt(depth);
    target.label_used = true;
    if (!edgeNeedsMoves(target)) return target.label;
    isa::Label& stub = br_table_labels_[depth];
    if (!stub.isValid()) stub = masm_.newLabel();
    return stub;
  };
  jump_table_.clear();
  for (uint32_t depth : depths) jump_table_.push_back(labelFor(depth));
  const isa::Label default_label = labelFor(default_depth);
  masm_.branchCompareImm(isa::Cond::GeU, index, ValType::I32,
                         static_cast<int32_t>(depths.size()), default_label);
  if (!depths.empty()) masm_.jumpTable(index, jump_table_);
  freeReg(index);
  for (uint32_t depth = 0; depth < br_table_labels_.size(); ++depth) {
    if (!br_table_labels_[depth].isValid()) continue;
    masm_.bind(br_table_labels_[depth]);
    branchTo(controlAt(depth));
  }
  becomeDead();
}

void FunctionCompiler::visitReturn() {
  if (dead_) return;
  endFuelRun();
  emitReturn();
  becomeDead();
}

// Moves the results to their ABI places and leaves the function: one parallel move, so a
// result may come from another result's register or from a local's. It changes no state (a
// br_if to the function's end emits this on its taken path only).
void FunctionCompiler::emitReturn() {
  materializeFlags();
  const auto& results = sig_.results;
  const size_t first = stack_.size() - results.size();
  moves_.clear();
  for (size_t k = 0; k < results.size(); ++k) {
    const VarState& s = stack_[first + k];
    const MoveLocation dst =
        results[k].inRegister()
            ? MoveLocation::inReg(results[k].reg)
            : MoveLocation::inSlot(static_cast<int32_t>(16 + sig_.stackParamAreaBytes() +
                                                        results[k].stack_offset));
    moves_.add(dst, locationOf(s), s.type);
  }
  emitMoves();
  storeFuelToMemory();
  // The stack pointer is where the prologue left it: every call's outgoing area is freed
  // after it, and exception landing pads reset it.
  const uint32_t patch_at = masm_.releaseFrameAndReturn(sig_.stackParamAreaBytes());
  if (patch_at != isa::MacroAssembler::kNoPatch) frame_releases_.push_back(patch_at);
}

}  // namespace wisp::codegen
