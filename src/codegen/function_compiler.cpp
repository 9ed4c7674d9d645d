// The compiler's core: frame, value stack and registers. The per-instruction code is split by
// family: compile_control.cpp, compile_numeric.cpp, compile_memory.cpp, compile_calls.cpp and
// compile_tables.cpp.
#include "codegen/function_compiler.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "runtime/runtime_limits.h"

namespace wisp::codegen {

using isa::Reg;
using isa::RegClass;
using isa::RegSet;
using wasm::ValType;
namespace x64 = isa::x64;

ModuleContext::ModuleContext(const wasm::Module& m, std::span<const uint32_t> ids,
                             const CompileOptions& o)
    : module(m), type_ids(ids), options(o), offsets(m) {
  signatures.reserve(m.types.size());
  for (const wasm::FuncType& type : m.types)
    signatures.push_back(isa::computeSignature(type, x64::kWasmConvention));
}

FunctionCompiler::FunctionCompiler(const ModuleContext& context, uint32_t function_index,
                                   CompilerScratch& scratch, asmjit::CodeHolder& code,
                                   CompiledFunction& out)
    : context_(context),
      module_(context.module),
      function_index_(function_index),
      type_(context.module.functionType(function_index)),
      sig_(context.signatures[context.module.functions[function_index].type_index]),
      code_(code),
      masm_(code, context.options.cpu_features),
      out_(out),
      stack_(scratch.stack),
      saved_params_(scratch.saved_params),
      local_homes_(scratch.local_homes),
      local_types_(scratch.local_types),
      br_table_labels_(scratch.br_table_labels),
      target_regs_(scratch.target_regs),
      merge_locals_(scratch.merge_locals),
      merge_values_(scratch.merge_values),
      controls_(scratch.controls),
      jump_table_(scratch.jump_table),
      moves_(scratch.moves),
      loop_scan_(scratch.loop_scan),
      locals_(scratch.local_regs) {
  stack_.clear();
  saved_params_.clear();
  local_homes_.clear();
  local_types_.clear();
  merge_locals_.clear();
  merge_values_.clear();
  controls_.clear();
  moves_.clear();
}

// ---- frame ------------------------------------------------------------------------------------

void FunctionCompiler::startFunction(std::span<const ValType> locals) {
  uses_memory_ = !module_.memories.empty();
  local_types_.assign(locals.begin(), locals.end());
  locals_.reset(locals.size());
  target_regs_.assign(locals.size(), Reg());
  // [rbp - 8] keeps the vmctx for reloading after calls that change it; [rbp - 16] is the
  // parallel moves' temporary.
  move_temp_slot_ = 16;
  int32_t slot = 16;
  int32_t params_end = slot;
  const uint32_t param_count = static_cast<uint32_t>(type_.params().size());
  for (uint32_t i = 0; i < locals.size(); ++i) {
    if (i < param_count && !sig_.params[i].inRegister()) {
      local_homes_.push_back(16 + static_cast<int32_t>(sig_.params[i].stack_offset));
      continue;
    }
    slot += static_cast<int32_t>(isa::stackSlotSize(locals[i]));
    local_homes_.push_back(-slot);
    if (i < param_count) params_end = slot;
  }
  locals_end_ = slot;
  max_slot_ = slot;

  frame_size_patch_ = masm_.enterFrame();
  loadVmctxField(x64::rax, runtime::VMOffsets::kLimitsOffset);
  masm_.checkStackLimit(x64::rax, runtime::RuntimeLimits::kStackLimitOffset,
                        trapLabel(runtime::TrapKind::StackOverflow));
  masm_.storePtr(slotAddress(8), x64::kVmctxReg);
  // Register parameters stay in their registers (their homes are written when they leave).
  for (uint32_t i = 0; i < param_count; ++i) {
    if (!sig_.params[i].inRegister()) continue;
    locals_.assign(i, sig_.params[i].reg, true);
    used_ = used_.with(sig_.params[i].reg);
  }
  masm_.zeroSlots(locals_end_, static_cast<uint32_t>(locals_end_ - params_end), x64::rax);
  if (uses_memory_) reloadInstanceRegisters(false);

  Control body;
  body.kind = wasm::Opcode::Call;
  body.results = type_.results();
  body.label_base = body.slot_floor = locals_end_;
  body.label = masm_.newLabel();
  controls_.push_back(body);
}

void FunctionCompiler::finishFunction() {
  for (const OutOfLineTrap& trap : traps_) {
    masm_.bind(trap.label);
    const uint32_t at = masm_.trapInstruction();
    out_.traps.push_back({at, trap.kind, trap.wasm_offset});
  }
  masm_.finish();
  const uint32_t frame_size = (static_cast<uint32_t>(max_slot_) + 15) & ~15u;
  masm_.patchFrameSize(code_, frame_size_patch_, frame_size);
}

isa::Address FunctionCompiler::localAddress(uint32_t local) const {
  return {x64::rbp, Reg(), local_homes_[local]};
}

void FunctionCompiler::loadVmctxField(Reg dst, uint32_t offset) {
  masm_.loadPtr(dst, {x64::kVmctxReg, Reg(), static_cast<int32_t>(offset)});
}

void FunctionCompiler::reloadInstanceRegisters(bool vmctx_changed) {
  if (vmctx_changed) masm_.loadPtr(x64::kVmctxReg, slotAddress(8));
  if (!uses_memory_) return;
  loadVmctxField(x64::kMemoryBaseReg, context_.offsets.memory(0));
  masm_.loadPtr(x64::kMemoryBaseReg,
                {x64::kMemoryBaseReg, Reg(), runtime::VMMemory::kBaseOffset});
}

isa::Label FunctionCompiler::trapLabel(runtime::TrapKind kind) {
  OutOfLineTrap trap{masm_.newLabel(), kind, wasmOffset()};
  traps_.push_back(trap);
  return trap.label;
}

uint32_t FunctionCompiler::wasmOffset() const {
  // Before the first instruction (the prologue) the function's body offset stands in.
  const size_t at = decoder_ ? decoder_->instructionOffset() : 0;
  return at ? static_cast<uint32_t>(at) : module_.functions[function_index_].body_offset;
}

void FunctionCompiler::recordAddress() {
  out_.address_map.push_back({masm_.offset(), wasmOffset()});
}

// ---- value stack ------------------------------------------------------------------------------

int32_t FunctionCompiler::nextSlot(ValType type) {
  int32_t below = stack_.empty() ? locals_end_ : stack_.back().slot;
  if (!controls_.empty()) below = std::max(below, controls_.back().slot_floor);
  const int32_t slot = below + static_cast<int32_t>(isa::stackSlotSize(type));
  max_slot_ = std::max(max_slot_, slot);
  return slot;
}

void FunctionCompiler::push(VarState state) {
  state.slot = nextSlot(state.type);
  stack_.push_back(state);
}

void FunctionCompiler::pushReg(ValType type, Reg reg) {
  VarState s;
  s.loc = VarState::Loc::Reg;
  s.type = type;
  s.reg = reg;
  used_ = used_.with(reg);
  push(s);
}

void FunctionCompiler::pushConst(ValType type, uint64_t bits) {
  VarState s;
  s.loc = VarState::Loc::Const;
  s.type = type;
  s.bits = bits;
  push(s);
}

VarState FunctionCompiler::pop() {
  VarState s = stack_.back();
  stack_.pop_back();
  return s;
}

void FunctionCompiler::popArgs(size_t n, VarState* out) {
  for (size_t i = 0; i < n; ++i) out[i] = stack_[stack_.size() - n + i];
  stack_.resize(stack_.size() - n);
}

void FunctionCompiler::loadInto(const VarState& s, Reg reg) {
  switch (s.loc) {
    case VarState::Loc::Reg: masm_.move(reg, s.reg, s.type); return;
    case VarState::Loc::Const: masm_.moveImm(reg, s.type, s.bits); return;
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
    case VarState::Loc::Const: masm_.storeImm(dst, s.type, s.bits); return;
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
  const RegSet allocatable = cls == RegClass::Gp ? isa::target::kAllocatableGp
                                                 : isa::target::kAllocatableFp;
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

// ---- invariants -----------------------------------------------------------------------------

void FunctionCompiler::checkInvariants() const {
  if (dead_) return;
  auto fail = [&](const char* what) {
    std::fprintf(stderr, "wisp: compiler invariant broken in function %u at offset %u: %s\n",
                 function_index_, wasmOffset(), what);
    std::abort();
  };
  RegSet owned;
  for (size_t i = 0; i < stack_.size(); ++i) {
    const VarState& s = stack_[i];
    if (s.loc == VarState::Loc::Flags && i + 1 != stack_.size()) fail("flags below the top");
    if (i > 0 && s.slot <= stack_[i - 1].slot) fail("stack slots not increasing");
    if (s.loc == VarState::Loc::Local && s.local >= local_types_.size()) fail("bad alias");
    if (!s.isReg()) continue;
    if (owned.has(s.reg)) fail("a register owned by two stack entries");
    if (!isa::target::kAllocatable.has(s.reg)) fail("a stack entry in a reserved register");
    owned = owned.with(s.reg);
  }
  if (!(owned & locals_.regs()).empty()) fail("a register owned by a stack entry and a local");
  if (!(locals_.regs() - isa::target::kAllocatable).empty()) fail("a local in a reserved register");
  if (!(locals_.dirtyRegs() - locals_.regs()).empty()) fail("a dirty register holds no local");
  bool local_mismatch = false;
  locals_.forEach([&](uint32_t local, Reg reg, bool) {
    if (local >= local_types_.size() || locals_.reg(local) != reg) local_mismatch = true;
    else if (isa::isFpType(local_types_[local]) != reg.isFp()) local_mismatch = true;
  });
  if (local_mismatch) fail("the locals' register maps disagree");
  if ((owned | locals_.regs()).bits() != used_.bits()) fail("used registers are not the owned ones");
  // Below the innermost frame, everything is in memory (the merge protocol).
  const Control& c = controls_.back();
  for (uint32_t i = 0; i < c.height && i < stack_.size(); ++i)
    if (stack_[i].loc != VarState::Loc::Stack && !c.dead_on_entry) fail("a value below a frame is not in memory");
}

// ---- compile a function ---------------------------------------------------------------------

namespace {
class RecordingErrorHandler : public asmjit::ErrorHandler {
 public:
  void handleError(asmjit::Error error, const char* message, asmjit::BaseEmitter*) override {
    if (first == asmjit::kErrorOk) {
      first = error;
      text = message;
    }
  }
  asmjit::Error first = asmjit::kErrorOk;
  std::string text;
};
}  // namespace

std::optional<wasm::Error> compileFunction(const ModuleContext& context, uint32_t function_index,
                                           CompilerScratch& scratch, CompiledFunction& out) {
  asmjit::CodeHolder& code = scratch.code;
  code.reset(asmjit::ResetPolicy::kSoft);
  code.init(asmjit::Environment::host());
  RecordingErrorHandler errors;
  code.setErrorHandler(&errors);
  FunctionCompiler compiler(context, function_index, scratch, code, out);
  wasm::FunctionDecoder<FunctionCompiler> decoder(context.module, function_index, scratch.decoder,
                                                  compiler);
  compiler.setDecoder(&decoder);
  const uint32_t body_offset = context.module.functions[function_index].body_offset;
  if (auto error = decoder.decode()) return error;
  if (compiler.unsupported()) {
    return wasm::Error{wasm::ErrorKind::Unsupported,
                       std::string("Wisp does not compile ") +
                           compiler.unsupported() + " yet",
                       body_offset, function_index};
  }
  if (compiler.masmUnhandled()) {
    return wasm::Error{wasm::ErrorKind::Unsupported,
                       "internal compiler error: " + *compiler.masmUnhandled(), body_offset,
                       function_index};
  }
  if (errors.first == asmjit::kErrorOk) errors.first = code.flatten();
  if (errors.first == asmjit::kErrorOk) errors.first = code.resolveUnresolvedLinks();
  // Applies the label deltas of jump tables; the code holds no absolute relocations, so the
  // base is irrelevant and the bytes stay position-independent.
  if (errors.first == asmjit::kErrorOk) errors.first = code.relocateToBase(0);
  if (errors.first != asmjit::kErrorOk) {
    return wasm::Error{wasm::ErrorKind::Resource,
                       std::string("code generation failed: ") +
                           asmjit::DebugUtils::errorAsString(errors.first),
                       body_offset, function_index};
  }
  out.code.resize(code.codeSize());
  code.copyFlattenedData(out.code.data(), out.code.size());
  return std::nullopt;
}

}  // namespace wisp::codegen
