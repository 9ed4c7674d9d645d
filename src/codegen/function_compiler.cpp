// The compiler's core: frame, value stack and registers. The per-instruction code is split by
// family: compile_control.cpp, compile_numeric.cpp, compile_memory.cpp, compile_calls.cpp and
// compile_tables.cpp.
#include "codegen/function_compiler.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "runtime/runtime_limits.h"
#include "wasm/function_validator.h"

namespace wisp::codegen {

using isa::Reg;
using isa::RegClass;
using isa::RegSet;
using wasm::ValType;

ModuleContext::ModuleContext(const wasm::Module& m, std::span<const uint32_t> ids,
                             const CompileOptions& o, bool may_return_from_other_instances)
    : module(m),
      type_ids(ids),
      options(o),
      offsets(m),
      callees_may_return_from_other_instances(may_return_from_other_instances) {
  signatures.reserve(m.types.size());
  for (const wasm::FuncType& type : m.types)
    signatures.push_back(isa::computeSignature(type, isa::target::kWasmConvention));
}

FunctionCompiler::FunctionCompiler(const ModuleContext& context, uint32_t function_index,
                                   CompilerScratch& scratch, isa::CodeBuffer& code,
                                   CompiledFunction& out)
    : context_(context),
      module_(context.module),
      function_index_(function_index),
      type_(context.module.functionType(function_index)),
      sig_(context.signatures[context.module.functions[function_index].type_index]),
      masm_(code, context.options.cpu_features),
      out_(out),
      map_begin_(out.address_map.size()),
      every_instruction_in_map_(context.options.address_map_every_instruction),
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
      locals_(scratch.local_regs),
      traps_(scratch.traps),
      epoch_checks_(scratch.epoch_checks),
      epoch_saved_locals_(scratch.epoch_saved_locals),
      lazy_reads_(scratch.lazy_reads),
      lazy_saved_(scratch.lazy_saved),
      v128_constants_(scratch.v128_constants),
      handlers_(scratch.handlers),
      throw_sites_(scratch.throw_sites),
      stack_resets_(scratch.stack_resets),
      frame_releases_(scratch.frame_releases),
      allocatable_gp_(context.options.consume_fuel
                          ? isa::target::kAllocatableGp.without(isa::target::kFuelGp)
                          : isa::target::kAllocatableGp),
      entry_(scratch.entry),
      instance_reload_(scratch.instance_reload) {
  stack_.clear();
  saved_params_.clear();
  local_homes_.clear();
  local_types_.clear();
  merge_locals_.clear();
  merge_values_.clear();
  controls_.clear();
  moves_.clear();
  traps_.clear();
  epoch_checks_.clear();
  epoch_saved_locals_.clear();
  lazy_reads_.clear();
  lazy_saved_.clear();
  v128_constants_.clear();
  handlers_.clear();
  throw_sites_.clear();
  stack_resets_.clear();
  frame_releases_.clear();
}

// ---- frame ------------------------------------------------------------------------------------

void FunctionCompiler::startFunction(std::span<const ValType> locals) {
  uses_memory_ = !module_.memories.empty();
  local_types_.assign(locals.begin(), locals.end());
  locals_.reset(locals.size());
  target_regs_.assign(locals.size(), Reg());
  loop_scan_.reset();
  int32_t params_end;
  FrameLayout::layOut(locals, sig_, local_homes_, &locals_end_, &params_end);
  move_temp_slot_ = FrameLayout::kMoveTempSlot;
  max_slot_ = locals_end_;
  const uint32_t param_count = static_cast<uint32_t>(type_.params().size());

  if (every_instruction_in_map_) recordAddress();  // the prologue: the body's offset
  const isa::Label overflow = trapLabel(runtime::TrapKind::StackOverflow);
  if (entry_.valid) {
    const uint32_t start = masm_.replay(entry_.snippet, overflow);
    frame_size_patch_ = start + entry_.frame_size_patch;
    vmctx_store_begin_ = start + entry_.vmctx_store_begin;
    vmctx_store_end_ = start + entry_.vmctx_store_end;
  } else {
    const uint32_t start = masm_.offset();
    frame_size_patch_ = masm_.enterFrame();
    const Reg temp = isa::target::kFunctionEntryTempGp;
    loadVmctxField(temp, runtime::VMOffsets::kLimitsOffset);
    masm_.checkStackLimit(temp, runtime::RuntimeLimits::kStackLimitOffset, overflow);
    vmctx_store_begin_ = masm_.offset();
    masm_.storePtr(slotAddress(FrameLayout::kVmctxSlot), isa::target::kVmctxReg);
    vmctx_store_end_ = masm_.offset();
    entry_.valid = masm_.capture(start, overflow, entry_.snippet);
    entry_.frame_size_patch = frame_size_patch_ - start;
    entry_.vmctx_store_begin = vmctx_store_begin_ - start;
    entry_.vmctx_store_end = vmctx_store_end_ - start;
  }
  vmctx_slot_read_ = false;
  // Register parameters stay in their registers (their homes are written when they leave).
  for (uint32_t i = 0; i < param_count; ++i) {
    if (!sig_.params[i].inRegister()) continue;
    locals_.assign(i, sig_.params[i].reg, true);
    used_ = used_.with(sig_.params[i].reg);
  }
  masm_.zeroSlots(locals_end_, static_cast<uint32_t>(locals_end_ - params_end),
                  isa::target::kFunctionEntryTempGp);
  if (uses_memory_) reloadInstanceRegisters(false);

  Control body;
  body.kind = wasm::Opcode::Call;
  body.results = type_.results();
  body.label_base = body.slot_floor = locals_end_;
  body.label = masm_.newLabel();
  controls_.push_back(body);
  checkInterruption(true);
}

void FunctionCompiler::finishFunction() {
  endFuelRun();  // one left open by an instruction Wisp cannot compile
  emitEpochCheckSlowPaths();
  emitLazyTableReadSlowPaths();
  for (const OutOfLineTrap& trap : traps_) {
    masm_.bind(trap.label);
    // What the function consumed, for Store::getFuel after the trap (the stack check comes
    // before the entry loads the counter).
    if (context_.options.consume_fuel && trap.kind != runtime::TrapKind::StackOverflow)
      storeFuelToMemory();
    const uint32_t at = masm_.trapInstruction();
    out_.traps.push_back({at, trap.kind, trap.wasm_offset});
  }
  if (!masm_.finish()) masm_.unhandledOp("finish (a label used but never bound)", wasm::Opcode::Nop);
  const uint32_t frame_size = (static_cast<uint32_t>(max_slot_) + 15) & ~15u;
  masm_.patchFrameSize(frame_size_patch_, frame_size);
  for (uint32_t at : stack_resets_) masm_.patchStackPointerReset(at, frame_size);
  for (uint32_t at : frame_releases_) masm_.patchFrameSize(at, frame_size);
  if (!vmctx_slot_read_) masm_.patchToNop(vmctx_store_begin_, vmctx_store_end_);
  resolveThrowSites();
}

void FunctionCompiler::loadVmctxField(Reg dst, uint32_t offset) {
  masm_.loadPtr(dst, {isa::target::kVmctxReg, Reg(), static_cast<int32_t>(offset)});
}

void FunctionCompiler::reloadInstanceRegisters(bool vmctx_changed) {
  vmctx_slot_read_ |= vmctx_changed;
  if (!uses_memory_) {
    if (vmctx_changed) masm_.loadPtr(isa::target::kVmctxReg, slotAddress(FrameLayout::kVmctxSlot));
    return;
  }
  auto& reload = instance_reload_[vmctx_changed];
  if (reload.valid) {
    masm_.replay(reload.snippet, isa::Label());
    return;
  }
  const uint32_t start = masm_.offset();
  if (vmctx_changed) masm_.loadPtr(isa::target::kVmctxReg, slotAddress(FrameLayout::kVmctxSlot));
  const Reg base = isa::target::kMemoryBaseReg;
  loadVmctxField(base, context_.offsets.memory(0));
  masm_.loadPtr(base, {base, Reg(), runtime::VMMemory::kBaseOffset});
  reload.valid = masm_.capture(start, isa::Label(), reload.snippet);
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
  const uint32_t offset = masm_.offset();
  // An instruction that emitted no code leaves its place to the next one.
  if (out_.address_map.size() > map_begin_ && out_.address_map.back().code_offset == offset) {
    out_.address_map.back().wasm_offset = wasmOffset();
    return;
  }
  out_.address_map.push_back({offset, wasmOffset()});
}

// ---- interruption ---------------------------------------------------------------------------

void FunctionCompiler::beginFuelRun() {
  if (!context_.options.consume_fuel || dead_) return;
  fuel_add_begin_ = masm_.offset();
  fuel_patch_ = masm_.addFuelPatchable(isa::target::kFuelGp);
  fuel_run_start_ = decoder_ ? decoder_->fuelInstructions() : 0;
  fuel_add_end_ = masm_.offset();
}

void FunctionCompiler::endFuelRun() {
  if (fuel_patch_ == kNoFuelRun) return;
  const uint64_t now = decoder_ ? decoder_->fuelInstructions() : 0;
  // A body is at most 4 GiB of one-byte instructions, but a run's count must fit the
  // immediate; a run that long is split by no boundary only in a malicious module.
  const uint64_t run = std::min<uint64_t>(now - fuel_run_start_, INT32_MAX);
  // An empty run (between `br_if` and `end`, say) whose add was the last code emitted leaves no
  // code; otherwise the add stays, with its count.
  const bool empty_at_end = run == 0 && fuel_add_end_ == masm_.offset() &&
                            (out_.address_map.empty() || out_.address_map.back().code_offset < fuel_add_begin_);
  if (!empty_at_end || !masm_.takeBackTail(fuel_add_begin_))
    masm_.patchFuel(fuel_patch_, static_cast<uint32_t>(run));
  fuel_patch_ = fuel_add_end_ = kNoFuelRun;
}

void FunctionCompiler::storeFuelToMemory() {
  if (!context_.options.consume_fuel) return;
  masm_.storeFuel(isa::target::kFuelGp,
                  {isa::target::kVmctxReg, Reg(), static_cast<int32_t>(runtime::VMOffsets::kLimitsOffset)},
                  static_cast<int32_t>(runtime::RuntimeLimits::kFuelOffset));
}

void FunctionCompiler::loadFuelFromMemory() {
  if (!context_.options.consume_fuel) return;
  masm_.loadFuel(isa::target::kFuelGp,
                 {isa::target::kVmctxReg, Reg(), static_cast<int32_t>(runtime::VMOffsets::kLimitsOffset)},
                 static_cast<int32_t>(runtime::RuntimeLimits::kFuelOffset));
}

void FunctionCompiler::checkInterruption(bool at_entry) {
  if (dead_) return;
  if (context_.options.consume_fuel) {
    if (at_entry) loadFuelFromMemory();
    beginFuelRun();
    fuel_add_end_ = kNoFuelRun;  // its flags are checked: it stays even when the run is empty
    masm_.branchIfFuelExhausted(trapLabel(runtime::TrapKind::OutOfFuel));
  }
  if (!context_.options.epoch_interruption) return;
  EpochCheck check{masm_.newLabel(), masm_.newLabel(), trapLabel(runtime::TrapKind::Interrupted),
                   static_cast<uint32_t>(epoch_saved_locals_.size()), 0};
  masm_.branchIfFlagSet(
      {isa::target::kVmctxReg, Reg(), static_cast<int32_t>(runtime::VMOffsets::kLimitsOffset)},
      static_cast<int32_t>(runtime::RuntimeLimits::kEpochDeadlineReachedOffset), check.slow);
  masm_.bind(check.resume);
  locals_.forEach([&](uint32_t local, Reg reg, bool) { epoch_saved_locals_.push_back({local, reg}); });
  check.saved_end = static_cast<uint32_t>(epoch_saved_locals_.size());
  epoch_checks_.push_back(check);
}

// Every allocatable register is caller-saved in the C convention, and the only values in
// registers at an entry or a loop header are locals (the stack is spilled there): their homes
// hold them across the builtin's call.
void FunctionCompiler::emitEpochCheckSlowPaths() {
  using runtime::builtins::Builtin;
  for (const EpochCheck& check : epoch_checks_) {
    masm_.bind(check.slow);
    for (uint32_t i = check.saved_begin; i < check.saved_end; ++i) {
      const LocalInRegister& saved = epoch_saved_locals_[i];
      masm_.store(localAddress(saved.local), saved.reg, local_types_[saved.local]);
    }
    masm_.move(isa::target::kHostConvention.gp_params[0], isa::target::kVmctxReg, ValType::I64);
    emitBuiltinCall(Builtin::EpochDeadline);
    masm_.branchIfNonZero(isa::target::kHostConvention.gp_results[0], ValType::I32, check.trap);
    for (uint32_t i = check.saved_begin; i < check.saved_end; ++i) {
      const LocalInRegister& saved = epoch_saved_locals_[i];
      masm_.load(saved.reg, localAddress(saved.local), local_types_[saved.local]);
    }
    // The callback may have grown a memory, which moves an explicitly checked one.
    reloadInstanceRegisters(false);
    masm_.jump(check.resume);
  }
}

// ---- lazily initialised tables -------------------------------------------------------------

void FunctionCompiler::addLazyTableRead(LazyTableRead read, bool save_live_registers) {
  read.saved_begin = static_cast<uint32_t>(lazy_saved_.size());
  if (save_live_registers) {
    const RegSet skip = RegSet::of(read.index, read.result);
    for (const VarState& s : stack_)
      if (s.isReg() && !skip.has(s.reg)) lazy_saved_.push_back({s.reg, slotAddress(s.slot), s.type});
    locals_.forEach([&](uint32_t local, Reg reg, bool) {
      if (!skip.has(reg)) lazy_saved_.push_back({reg, localAddress(local), local_types_[local]});
    });
  }
  read.saved_end = static_cast<uint32_t>(lazy_saved_.size());
  lazy_reads_.push_back(read);
}

void FunctionCompiler::emitLazyTableReadSlowPaths() {
  using runtime::builtins::Builtin;
  const isa::CallingConvention& c = isa::target::kHostConvention;
  for (const LazyTableRead& read : lazy_reads_) {
    masm_.bind(read.slow);
    if (read.mismatch.isValid()) {
      masm_.branchCompareMem64(
          isa::Cond::Ne, read.result,
          {isa::target::kVmctxReg, Reg(), static_cast<int32_t>(runtime::VMOffsets::kLazyFuncRefOffset)},
          read.mismatch);
    }
    out_.address_map.push_back({masm_.offset(), read.wasm_offset});
    for (uint32_t i = read.saved_begin; i < read.saved_end; ++i)
      masm_.store(lazy_saved_[i].home, lazy_saved_[i].reg, lazy_saved_[i].type);
    // The index first: it may be in an argument register the others overwrite.
    masm_.move(c.gp_params[2], read.index, ValType::I32);
    masm_.move(c.gp_params[0], isa::target::kVmctxReg, ValType::I64);
    masm_.moveImm(c.gp_params[1], ValType::I64, read.table);
    emitBuiltinCall(Builtin::TableElement);
    masm_.move(read.result, c.gp_results[0], ValType::I64);
    for (uint32_t i = read.saved_begin; i < read.saved_end; ++i)
      masm_.load(lazy_saved_[i].reg, lazy_saved_[i].home, lazy_saved_[i].type);
    masm_.jump(read.resume);
  }
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
    if (!(allocatable_gp_ | isa::target::kAllocatableFp).has(s.reg)) fail("a stack entry in a reserved register");
    owned = owned.with(s.reg);
  }
  if (!(owned & locals_.regs()).empty()) fail("a register owned by a stack entry and a local");
  if (!(locals_.regs() - (allocatable_gp_ | isa::target::kAllocatableFp)).empty()) fail("a local in a reserved register");
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

std::optional<wasm::Error> compileFunction(const ModuleContext& context, uint32_t function_index,
                                           CompilerScratch& scratch, CompiledFunction& out) {
  isa::CodeBuffer& code = scratch.code;
  code.startFunction();
  const size_t calls = out.calls.size(), traps = out.traps.size(), map = out.address_map.size(),
               relocations = out.relocations.size(), handlers = out.handlers.size();
  auto fail = [&](wasm::Error error) {
    code.discardFunction();
    out.calls.resize(calls);
    out.traps.resize(traps);
    out.address_map.resize(map);
    out.relocations.resize(relocations);
    out.handlers.resize(handlers);
    return error;
  };
  FunctionCompiler compiler(context, function_index, scratch, code, out);
  wasm::FunctionDecoder<FunctionCompiler> decoder(context.module, function_index, scratch.decoder,
                                                  compiler);
  compiler.setDecoder(&decoder);
  const uint32_t body_offset = context.module.functions[function_index].body_offset;
  if (auto error = decoder.decode()) return fail(std::move(*error));
  if (compiler.unsupported()) {
    return fail(wasm::Error{wasm::ErrorKind::Unsupported,
                            std::string("Wisp does not compile ") + compiler.unsupported() +
                                " yet",
                            body_offset, function_index});
  }
  if (compiler.masmUnhandled()) {
    return fail(wasm::Error{wasm::ErrorKind::Unsupported,
                            "internal compiler error: " + *compiler.masmUnhandled(), body_offset,
                            function_index});
  }
  return std::nullopt;
}

}  // namespace wisp::codegen
