// Control flow: blocks, loops, ifs, branches, returns. The merge protocol is described at the
// top of function_compiler.h: everything is in memory at a join, label values in label slots.
#include "codegen/function_compiler.h"

#include <algorithm>

namespace wisp::codegen {

using isa::Reg;
using wasm::Opcode;
using wasm::ValType;
namespace x64 = isa::x64;

void FunctionCompiler::pushControl(Opcode kind, const wasm::ControlFrame& frame, bool reachable) {
  Control c;
  c.kind = kind;
  c.results = frame.type.results;
  c.param_count = static_cast<uint32_t>(frame.type.params.size());
  c.dead_on_entry = !reachable;
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

void FunctionCompiler::visitBlock(const wasm::ControlFrame& frame, bool reachable) {
  if (dead_) return pushControl(Opcode::Block, frame, false);
  spillAll();
  pushControl(Opcode::Block, frame, reachable);
}

void FunctionCompiler::visitLoop(const wasm::ControlFrame& frame, bool reachable) {
  if (dead_) return pushControl(Opcode::Loop, frame, false);
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
  // The header is a join: the locals cached now stay in their registers, and every back edge
  // puts them back there (restoreLoopCache), so a loop-carried local need not go through
  // memory on the critical path.
  c.loop_cache_begin = static_cast<uint32_t>(loop_caches_.size());
  for (uint8_t code = 0; code < 32; ++code) {
    if (cached_local_of_[code] < 0) continue;
    loop_caches_.push_back({static_cast<uint32_t>(cached_local_of_[code]), Reg::fromCode(code)});
  }
  c.loop_cache_count = static_cast<uint32_t>(loop_caches_.size()) - c.loop_cache_begin;
  masm_.bind(c.label);
}

// A parallel move into the header's registers, emitted on a back edge; memory holds every
// local's value (the cache writes through), so a source that would be overwritten before it is
// read is simply loaded from the local's slot. It changes no compile-time state.
void FunctionCompiler::restoreLoopCache(const Control& loop) {
  struct Move {
    Reg dst;
    Reg src;  // invalid: load from the local's slot
    uint32_t local;
  };
  Move moves[32];
  uint32_t count = 0;
  for (uint32_t i = 0; i < loop.loop_cache_count; ++i) {
    const CachedLocal& want = loop_caches_[loop.loop_cache_begin + i];
    const Reg current = local_cache_[want.local];
    if (current == want.reg) continue;
    moves[count++] = {want.reg, current, want.local};
  }
  auto isPendingSource = [&](Reg reg, uint32_t except) {
    for (uint32_t k = 0; k < count; ++k)
      if (k != except && moves[k].src == reg) return true;
    return false;
  };
  while (count > 0) {
    bool progress = false;
    for (uint32_t k = 0; k < count;) {
      if (isPendingSource(moves[k].dst, k)) {
        ++k;
        continue;
      }
      const Move& m = moves[k];
      if (m.src.valid()) masm_.move(m.dst, m.src, local_types_[m.local]);
      else masm_.load(m.dst, localAddress(m.local), local_types_[m.local]);
      moves[k] = moves[--count];
      progress = true;
    }
    if (!progress) {
      for (uint32_t k = 0; k < count; ++k) moves[k].src = Reg();  // break the cycles
    }
  }
}

void FunctionCompiler::visitIf(const wasm::ControlFrame& frame, bool reachable) {
  if (dead_) return pushControl(Opcode::If, frame, false);
  // The decoder has popped the condition from its stack; it is our top entry. Spilling emits
  // only moves, so a condition in the flags survives until the branch.
  const VarState cond = peek();
  const Reg cond_reg = cond.loc == VarState::Loc::Flags ? (pop(), Reg()) : popToReg();
  spillAll();
  clearLocalCache();  // both branches start from what memory holds
  pushControl(Opcode::If, frame, reachable);
  Control& c = controls_.back();
  c.else_label = masm_.newLabel();
  if (cond_reg.valid()) {
    masm_.branchIfZero(cond_reg, ValType::I32, c.else_label);
    freeReg(cond_reg);
  } else {
    masm_.branchOnCond(isa::negate(static_cast<isa::Cond>(cond.bits)), c.else_label);
  }
  // Keep the params for the else branch and let the then branch push above them.
  c.saved_params_begin = static_cast<uint32_t>(saved_params_.size());
  for (uint32_t i = c.height; i < stack_.size(); ++i) saved_params_.push_back(stack_[i]);
  if (c.param_count > 0) c.slot_floor = c.label_base = std::max(c.slot_floor, stack_.back().slot);
}

// Drops everything above the frame's base (freeing registers) and leaves the stack as a join
// leaves it: the label's values in the label's slots.
void FunctionCompiler::resetStackAfterJoin(Control& c) {
  while (stack_.size() > c.height) {
    const VarState s = pop();
    if (s.isReg()) freeReg(s.reg);
  }
  int32_t slot = c.label_base;
  for (ValType t : c.results) {
    slot += static_cast<int32_t>(isa::stackSlotSize(t));
    VarState s;
    s.loc = VarState::Loc::Stack;
    s.type = t;
    s.slot = slot;
    stack_.push_back(s);
    max_slot_ = std::max(max_slot_, slot);
  }
}

void FunctionCompiler::restoreSavedParams(Control& c) {
  while (stack_.size() > c.height) {
    const VarState s = pop();
    if (s.isReg()) freeReg(s.reg);
  }
  for (uint32_t i = 0; i < c.param_count; ++i)
    stack_.push_back(saved_params_[c.saved_params_begin + i]);
}

void FunctionCompiler::visitElse(const wasm::ControlFrame&, bool) {
  Control& c = controls_.back();
  if (c.dead_on_entry) return;
  if (!dead_) {
    moveToLabel(c, static_cast<uint32_t>(c.results.size()));
    masm_.jump(c.label);
    c.label_used = true;
  }
  clearLocalCache();
  masm_.bind(c.else_label);
  restoreSavedParams(c);
  c.kind = Opcode::Else;
  dead_ = unsupported_ != nullptr;
}

void FunctionCompiler::visitEnd(const wasm::ControlFrame&, bool) {
  Control& c = controls_.back();
  if (c.dead_on_entry) {
    controls_.pop_back();
    return;
  }
  if (c.kind == Opcode::Call) {  // the function body
    if (!dead_) emitReturn();
    controls_.pop_back();
    return;
  }
  const uint32_t arity = static_cast<uint32_t>(c.results.size());
  bool live = !dead_;
  if (c.kind == Opcode::If) {
    // No else: the false path carries the params through as results.
    if (!dead_) {
      moveToLabel(c, arity);
      masm_.jump(c.label);
      c.label_used = true;
    }
    clearLocalCache();
    masm_.bind(c.else_label);
    restoreSavedParams(c);
    moveToLabel(c, arity);
    live = true;
  } else if (!dead_) {
    moveToLabel(c, arity);
  }
  clearLocalCache();
  if (c.kind != Opcode::Loop) {
    masm_.bind(c.label);
    live = live || c.label_used;
  }
  resetStackAfterJoin(c);
  const uint32_t saved_begin = c.saved_params_begin;
  const bool was_if = c.kind == Opcode::If || c.kind == Opcode::Else;
  const Opcode c_kind = c.kind;
  const uint32_t loop_cache_begin = c.loop_cache_begin;
  controls_.pop_back();
  if (was_if) saved_params_.resize(saved_begin);
  if (c_kind == Opcode::Loop) loop_caches_.resize(loop_cache_begin);
  dead_ = !live || unsupported_ != nullptr;
}

// Stores the top `arity` values into the target's label slots (see the merge protocol).
void FunctionCompiler::moveToLabel(Control& target, uint32_t arity) {
  int32_t slot = target.label_base;
  const size_t first = stack_.size() - arity;
  for (size_t i = first; i < stack_.size(); ++i) {
    slot += static_cast<int32_t>(isa::stackSlotSize(stack_[i].type));
    storeToSlot(stack_[i], slot);
    max_slot_ = std::max(max_slot_, slot);
  }
}

void FunctionCompiler::branchTo(Control& target) {
  if (target.kind == Opcode::Call) return emitReturn();
  moveToLabel(target, target.labelArity());
  if (target.loop_cache_count > 0) restoreLoopCache(target);
  masm_.jump(target.label);
  target.label_used = true;
}

void FunctionCompiler::becomeDead() {
  clearLocalCache();
  const Control& c = controls_.back();
  while (stack_.size() > c.height) {
    const VarState s = pop();
    if (s.isReg()) freeReg(s.reg);
  }
  dead_ = true;
}

void FunctionCompiler::visitUnreachable() {
  if (dead_) return;
  const uint32_t at = masm_.trapInstruction();
  out_.traps.push_back({at, runtime::TrapKind::Unreachable, wasmOffset()});
  becomeDead();
}

void FunctionCompiler::visitBr(uint32_t depth) {
  if (dead_) return;
  branchTo(controlAt(depth));
  becomeDead();
}

void FunctionCompiler::visitBrIf(uint32_t depth) {
  if (dead_) return;
  // The condition as a flags condition: a fused comparison, or `test reg, reg`.
  isa::Cond taken;
  if (peek().loc == VarState::Loc::Flags) {
    taken = static_cast<isa::Cond>(pop().bits);
  } else {
    const Reg cond = popToReg();
    freeReg(cond);
    taken = isa::negate(masm_.eqzToFlags(Opcode::I32Eqz, cond));  // taken when non-zero
  }
  Control& target = controlAt(depth);
  if (!branchNeedsMoves(target)) {
    masm_.branchOnCond(taken, target.label);
    target.label_used = true;
    return;
  }
  const isa::Label skip = masm_.newLabel();
  masm_.branchOnCond(isa::negate(taken), skip);
  branchTo(target);
  masm_.bind(skip);
}

void FunctionCompiler::visitBrTable(std::span<const uint32_t> depths, uint32_t default_depth) {
  if (dead_) return;
  const Reg index = popToReg();
  // One stub per distinct target that needs moves; targets that need none are jumped to
  // directly from the table.
  br_table_labels_.assign(controls_.size(), isa::Label());
  auto labelFor = [&](uint32_t depth) {
    Control& target = controlAt(depth);
    target.label_used = true;
    if (!branchNeedsMoves(target)) return target.label;
    isa::Label& stub = br_table_labels_[depth];
    if (!stub.isValid()) stub = masm_.newLabel();
    return stub;
  };
  std::vector<isa::Label> table;
  table.reserve(depths.size());
  for (uint32_t depth : depths) table.push_back(labelFor(depth));
  const isa::Label default_label = labelFor(default_depth);
  freeReg(index);
  masm_.branchCompareImm(isa::Cond::GeU, index, ValType::I32,
                         static_cast<int32_t>(depths.size()), default_label);
  if (!depths.empty()) masm_.jumpTable(index, table);
  for (uint32_t depth = 0; depth < br_table_labels_.size(); ++depth) {
    if (!br_table_labels_[depth].isValid()) continue;
    masm_.bind(br_table_labels_[depth]);
    branchTo(controlAt(depth));
  }
  becomeDead();
}

void FunctionCompiler::visitReturn() {
  if (dead_) return;
  emitReturn();
  becomeDead();
}

// Moves the results to their ABI places and leaves the function. It changes no entry's
// state (a br_if to the function's end emits this on its taken path only).
void FunctionCompiler::emitReturn() {
  // Result registers may be caching locals that other results read: forget the cache (memory
  // holds every local's value), which is safe on a br_if's fallthrough path too.
  clearLocalCache();
  const auto& results = sig_.results;
  const size_t first = stack_.size() - results.size();
  isa::RegSet result_regs;
  for (const isa::ABIArg& r : results)
    if (r.inRegister()) result_regs = result_regs.with(r.reg);
  // A value sitting in another result's register would be overwritten: park it in its slot.
  auto parked = [&](size_t k) {
    const VarState& s = stack_[first + k];
    return s.isReg() && result_regs.has(s.reg) && s.reg != results[k].reg;
  };
  for (size_t k = 0; k < results.size(); ++k)
    if (parked(k)) masm_.store(slotAddress(stack_[first + k].slot), stack_[first + k].reg,
                               stack_[first + k].type);
  for (size_t k = 0; k < results.size(); ++k) {
    VarState s = stack_[first + k];
    if (parked(k)) s.loc = VarState::Loc::Stack;
    if (results[k].inRegister()) {
      loadInto(s, results[k].reg);
      continue;
    }
    storeTo(s, {x64::rbp, Reg(),
                static_cast<int32_t>(16 + sig_.stack_param_bytes + results[k].stack_offset)});
  }
  masm_.leaveFrameAndReturn();
}

}  // namespace wisp::codegen
